// Starting the real gateway (`node dist/openclaw.cjs gateway`) against a temp
// home and fake upstream providers, for end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import assert from "node:assert/strict";
import { after } from "node:test";
import { CLI, assertNoSecrets, cliEnv, makeHome, readJson, writeJson, type TempHome } from "./cli.ts";
import { startFakeProvider, type FakeProvider } from "./fake-upstream.ts";

export const GATEWAY_TOKEN = "test-gateway-token-0123456789abcdef";

export interface TestGateway {
  url: string;
  home: TempHome;
  child: ChildProcess;
  /** Everything the gateway printed so far. */
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then the exit code and output. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export async function spawnGateway(home: TempHome, options: { env?: Record<string, string | undefined>; args?: string[]; timeoutMs?: number } = {}): Promise<TestGateway> {
  const child = spawn(process.execPath, [CLI, "gateway", "--port", "0", ...(options.args ?? [])], {
    cwd: home.home,
    env: cliEnv(home.home, { OPENCLAW_GATEWAY_TOKEN: GATEWAY_TOKEN, ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${stdout}\n${stderr}`)), options.timeoutMs ?? 15_000);
    const check = () => {
      const match = /Gateway listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    home,
    child,
    output: () => ({ stdout, stderr }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

export interface GatewayWorld {
  anthropic: FakeProvider;
  openai: FakeProvider;
  home: TempHome;
  gateway: TestGateway;
  close(): Promise<{ stdout: string; stderr: string }>;
}

export interface WorldSetup {
  store?: object;
  config?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** More providers, built once the fakes' URLs are known (e.g. a custom provider on the OpenAI fake). */
  providers?: (fakes: { anthropic: FakeProvider; openai: FakeProvider }) => Record<string, object>;
}

/** Fake Anthropic and OpenAI upstreams, a home whose config points at them, and a running gateway. */
export async function startWorld(setup: WorldSetup = {}): Promise<GatewayWorld> {
  const [anthropic, openai] = await Promise.all([startFakeProvider("anthropic"), startFakeProvider("openai")]);
  const home = makeHome();
  const config = setup.config ?? {};
  const models = (config.models ?? {}) as { providers?: Record<string, object> };
  writeJson(home.configPath, {
    ...config,
    models: {
      ...models,
      providers: {
        anthropic: { baseUrl: anthropic.url },
        openai: { baseUrl: `${openai.url}/v1` },
        openrouter: { baseUrl: `${openai.url}/v1` },
        ...models.providers,
        ...setup.providers?.({ anthropic, openai }),
      },
    },
  });
  if (setup.store) writeJson(home.storePath, setup.store);
  const gateway = await spawnGateway(home, setup.env ? { env: setup.env } : {});
  return {
    anthropic,
    openai,
    home,
    gateway,
    close: async () => {
      const result = await gateway.stop();
      await Promise.all([anthropic.close(), openai.close()]);
      home.cleanup();
      return { stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** Polls until `probe` returns (or resolves to) something truthy (it may throw meanwhile), at most `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function apiKeyProfile(provider: string, key: string) {
  return { type: "api_key", provider, key };
}

/** A raw POST to the gateway, with status, headers and body exactly as sent. */
export async function postJson(world: GatewayWorld, path: string, body: object, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(`${world.gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, "content-type": "application/json", ...(path === "/v1/messages" ? { "anthropic-version": "2023-06-01" } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The credentials a fake saw since `mark` (an index into its request list). */
export function seenSince(fake: FakeProvider, mark: number): (string | undefined)[] {
  return fake.requests.slice(mark).map((request) => request.credential);
}

export interface HealthReport {
  ok: boolean;
  problems: { message: string }[];
  usage: { pending: number; writing: boolean; writes: number; lastError?: string };
}

export async function health(world: GatewayWorld): Promise<HealthReport> {
  const response = await fetch(`${world.gateway.url}/health`);
  assert.equal(response.status, 200);
  return (await response.json()) as HealthReport;
}

/**
 * Waits until the gateway has written its usage stats: a write completed after
 * `writesBefore` (from an earlier health report) and nothing is pending or in flight.
 */
export async function usageWritten(world: GatewayWorld, writesBefore: number, timeoutMs = 5000): Promise<HealthReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await health(world);
    if (report.usage.writes > writesBefore && report.usage.pending === 0 && !report.usage.writing) return report;
    if (Date.now() > deadline) assert.fail(`the gateway did not finish writing usage stats: ${JSON.stringify(report.usage)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The persisted store once `ready(store)` holds. */
export function storeWhen(world: GatewayWorld, what: string, ready: (store: any) => boolean, timeoutMs = 3000): Promise<any> {
  return waitFor(
    what,
    () => {
      const store = readJson(world.home.storePath);
      return ready(store) ? store : undefined;
    },
    timeoutMs,
  );
}

export interface LeakWatch {
  /** Everything a client got to see (answers, error messages); checked at the end. */
  clientVisible: string[];
  /** Stops a world and keeps what its gateway printed, for the same check. */
  closeWorld(world: GatewayWorld): Promise<void>;
  /** postJson, remembering the answer as client-visible. */
  post(world: GatewayWorld, path: string, body: object): ReturnType<typeof postJson>;
}

/** For a test file: collects what clients saw and gateways printed, and checks after all its tests that no secret is in any of it. */
export function watchForLeaks(secrets: readonly string[]): LeakWatch {
  const clientVisible: string[] = [];
  const gatewayOutput: string[] = [];
  after(() => {
    assertNoSecrets(clientVisible, secrets);
    assertNoSecrets(gatewayOutput, secrets);
  });
  return {
    clientVisible,
    closeWorld: async (world) => {
      const output = await world.close();
      gatewayOutput.push(output.stdout, output.stderr);
    },
    post: async (world, path, body) => {
      const answer = await postJson(world, path, body);
      clientVisible.push(answer.text);
      return answer;
    },
  };
}
