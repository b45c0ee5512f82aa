// The HTTP server (DESIGN §4.3): routes, gateway auth, body limits, request
// logs, and a clean shutdown. Everything about models lives in dispatch.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { redactSecrets } from "../auth/redact.ts";
import type { UpstreamPools } from "../providers/upstream.ts";
import { sendApiError, sendJson, type ApiFormat } from "./api-errors.ts";
import { dispatchChat, type DispatchOutcome } from "./dispatch.ts";
import type { ChatRequest } from "./forward.ts";
import type { LiveState } from "./live-state.ts";
import { listModels } from "./models-route.ts";
import { readJsonBody } from "./request-body.ts";
import { isWellFormedRequest, refuseMalformedRequest } from "./request-shape.ts";
import { statusDocument } from "./status-route.ts";
import { presentedToken, tokenChecker } from "./token.ts";

export interface GatewayOptions {
  state: LiveState;
  pools: UpstreamPools;
  token: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  version: string;
  log: (line: string) => void;
}

export interface RunningGateway {
  url: string;
  server: Server;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

const CHAT_ROUTES: Record<string, ApiFormat> = { "/v1/chat/completions": "openai", "/v1/messages": "anthropic" };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

async function handleChat(options: GatewayOptions, format: ApiFormat, req: IncomingMessage, res: ServerResponse): Promise<DispatchOutcome> {
  const body = await readJsonBody(req, options.maxBodyBytes);
  if (!body.ok) {
    sendApiError(res, format, body.status, body.message);
    return { status: body.status };
  }
  const value = body.value as Record<string, unknown>;
  if (!isWellFormedRequest(format, value)) return refuseMalformedRequest(res, format, value);
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const anthropicVersion = header(req, "anthropic-version");
  const anthropicBeta = header(req, "anthropic-beta");
  const request: ChatRequest = {
    format,
    body: value,
    stream: value.stream === true,
    hints: { ...(anthropicVersion ? { anthropicVersion } : {}), ...(anthropicBeta ? { anthropicBeta } : {}) },
    signal: controller.signal,
  };
  return dispatchChat(options.state, options.pools, request, res);
}

async function route(options: GatewayOptions & { tokenMatches: (token: string | undefined) => boolean }, req: IncomingMessage, res: ServerResponse, path: string): Promise<DispatchOutcome> {
  const method = req.method ?? "GET";
  if (path === "/health" && method === "GET") {
    await options.state.current(); // notice a broken (or repaired) file without waiting for a model request
    const problems = options.state.problems();
    sendJson(res, 200, { ok: problems.length === 0, version: options.version, uptime: Math.round(process.uptime()), problems });
    return { status: 200 };
  }
  const chatFormat = CHAT_ROUTES[path];
  const format: ApiFormat = chatFormat ?? (header(req, "anthropic-version") ? "anthropic" : "openai");
  if (!options.tokenMatches(presentedToken(req.headers))) {
    req.resume();
    sendApiError(res, format, 401, "Missing or wrong gateway token: send `Authorization: Bearer <token>` (the token is gateway.auth.token in openclaw.json).");
    return { status: 401 };
  }
  if (chatFormat && method === "POST") return handleChat(options, chatFormat, req, res);
  if (path === "/v1/models" && method === "GET") {
    sendJson(res, 200, listModels(await options.state.current(), format));
    return { status: 200 };
  }
  if (path === "/api/status" && method === "GET") {
    sendJson(res, 200, statusDocument(await options.state.current()));
    return { status: 200 };
  }
  req.resume();
  const known = chatFormat || path === "/v1/models" || path === "/api/status";
  sendApiError(res, format, known ? 405 : 404, known ? `${method} is not allowed on ${path}.` : `No route ${method} ${path}.`);
  return { status: known ? 405 : 404 };
}

function logLine(req: IncomingMessage, path: string, outcome: DispatchOutcome, started: bigint): string {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const parts = [new Date().toISOString(), req.method ?? "-", path, String(outcome.status), `${ms.toFixed(1)}ms`];
  if (outcome.model) parts.push(`model=${outcome.model}`);
  if (outcome.profile) parts.push(`profile=${outcome.profile}`);
  if (outcome.failed) parts.push(`failed=${outcome.failed.join(",")}`);
  return redactSecrets(parts.join(" "));
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const routeOptions = { ...options, tokenMatches: tokenChecker(options.token) };
  let closing = false;
  const active = new Set<ServerResponse>();
  // Once shutting down, no connection outlives its last response.
  const closeAfter = (res: ServerResponse) => {
    res.shouldKeepAlive = false;
    res.once("finish", () => server.closeIdleConnections());
  };
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    active.add(res);
    res.once("close", () => active.delete(res));
    if (closing) closeAfter(res);
    const path = (req.url ?? "/").split("?")[0]!;
    route(routeOptions, req, res, path)
      .catch((error: Error) => {
        options.log(redactSecrets(`internal error on ${req.method} ${path}: ${error.message}`));
        sendApiError(res, CHAT_ROUTES[path] ?? "openai", 500, "Internal gateway error.");
        return { status: 500 };
      })
      .then((outcome) => options.log(logLine(req, path, outcome, started)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of active) closeAfter(res);
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
