// `openclaw gateway [run] [--port] [--bind] [--token]`: the foreground server.
import { LiveState } from "../../../gateway/live-state.ts";
import { connectionLimits, startGateway } from "../../../gateway/server.ts";
import { withoutGatewayToken } from "../../../gateway/credential-guard.ts";
import { configuredToken, describeTokenSource, generateAndStoreToken, isLoopback, type GatewayToken } from "../../../gateway/token.ts";
import { UpstreamPools, upstreamTimeouts } from "../../../providers/upstream.ts";
import { statusDocument } from "../../../gateway/status-route.ts";
import { VERSION } from "../../../version.ts";
import { registerSecret } from "../../../auth/redact.ts";
import { errnoCode, OpenClawError } from "../../../state/errors.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printLine, type CliIO } from "../../io.ts";
import { resolveHost, resolvePort } from "./address.ts";

export interface GatewayRunOptions {
  port?: string;
  bind?: string;
  token?: string;
  agent?: string;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** The config is JSON5, so `jq` cannot be relied on to read a stored token: name the command that can. */
function describeToken(token: GatewayToken, display: string): string {
  const stored = token.source === "config" || token.source === "generated";
  return `Token: ${describeTokenSource(token, display)}${stored ? " (print it with: openclaw gateway token)" : ""}`;
}

/** Most often a gateway already runs there: say so, and how to pick another port. */
async function listenOrExplain<T>(host: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (errnoCode(error) !== "EADDRINUSE") throw error;
    const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    throw new OpenClawError(`port ${port} on ${host} is already in use; a gateway may already be running (check ${origin}/health).`, {
      hint: "Stop it, or pick another port with --port <n> (or gateway.port / OPENCLAW_GATEWAY_PORT).",
      cause: error,
    });
  }
}

/** Say at start-up, not at the first failed request, that a configured model has no credential. */
function warnAboutMissingCredentials(io: CliIO, providers: string[]): void {
  for (const provider of providers) {
    printErrorLine(io, `Warning: no credential for ${provider}, which a configured model uses. Add one: openclaw models auth paste-api-key --provider ${provider}`);
  }
}

/**
 * The first SIGINT/SIGTERM starts a clean shutdown; a second one stops at once.
 * The listeners stay installed until the process ends: libraries that re-raise
 * a signal when they think nobody else handles it (signal-exit, through the
 * lock library) would otherwise kill the process mid-shutdown.
 */
function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: string) => {
      if (received) process.exit(signal === "SIGINT" ? 130 : 143);
      received = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/** How long a request log line may wait to be written together with others while the gateway is busy. */
const LOG_BATCH_MS = 50;

/**
 * Request logs: a line is written at once when the gateway is quiet; under
 * load, the lines of the next LOG_BATCH_MS go out in one write (one system call
 * and one wake-up of whoever reads the log, instead of one per request).
 * `flush` writes what is waiting (at shutdown).
 */
function batchedLog(io: CliIO): { log: (line: string) => void; flush: () => void } {
  let lines: string[] = [];
  let scheduled = false;
  let lastWrite = 0;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const batch = lines;
    lines = [];
    lastWrite = Date.now();
    printLine(io, batch.join("\n"));
  };
  const log = (line: string) => {
    lines.push(line);
    if (scheduled) return;
    scheduled = true;
    const wait = lastWrite + LOG_BATCH_MS - Date.now();
    // Quiet: the rest of this event-loop turn joins the line. Busy: the next LOG_BATCH_MS do.
    if (wait > 0) setTimeout(flush, wait);
    else setImmediate(flush);
  };
  return { log, flush };
}

export async function run(options: GatewayRunOptions, io: CliIO): Promise<number> {
  const { log, flush: flushLog } = batchedLog(io);
  const state = await LiveState.start({ env: io.env, cwd: io.cwd, ...(options.agent ? { agentId: options.agent } : {}), log: (line) => printErrorLine(io, line) });
  const { ctx } = await state.current();
  const port = resolvePort(options.port, ctx.env.value("OPENCLAW_GATEWAY_PORT"), ctx.config);
  const host = resolveHost(options.bind, ctx.config);
  let token = configuredToken(ctx, options.token);
  if (!token && !isLoopback(host)) {
    throw new UsageError(`Refusing to listen on ${host} without a gateway token.`, "Set one with --token, OPENCLAW_GATEWAY_TOKEN or gateway.auth.token.");
  }
  token ??= await generateAndStoreToken(ctx);
  registerSecret(token.token);
  const gateway = ctx.config.gateway;
  const pools = new UpstreamPools(upstreamTimeouts(ctx.config));
  const server = await listenOrExplain(host, port, () =>
    startGateway({
      state,
      pools,
      token: token.token,
      host,
      port,
      maxBodyBytes: gateway?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      connections: connectionLimits(ctx.config),
      allowCredential: withoutGatewayToken(token.token, (line) => printErrorLine(io, line)),
      version: VERSION,
      log,
    }),
  );
  printLine(io, `Gateway listening on ${server.url}`);
  printLine(io, describeToken(token, ctx.display(ctx.configPath)));
  printLine(io, `Health: ${server.url}/health  (OpenAI: ${server.url}/v1/chat/completions, Anthropic: ${server.url}/v1/messages)`);
  // Started during a shared-state outage: nothing is read yet, so nothing is known to be missing (LiveState said why).
  if (!state.unavailable()) warnAboutMissingCredentials(io, statusDocument(await state.current()).auth.missingProvidersInUse);

  const signal = await waitForSignal();
  printErrorLine(io, `${signal}: finishing in-flight requests, then stopping.`);
  await server.close(gateway?.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
  flushLog();
  await state.flush();
  state.close();
  await pools.close();
  return 0;
}
