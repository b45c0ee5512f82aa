// The HTTP server (DESIGN §4.3): routes, gateway auth, body limits, request
// logs, and a clean shutdown. A model request runs through the steps of pipeline.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { redactSecrets } from "../auth/redact.ts";
import type { UpstreamPools } from "../providers/upstream.ts";
import type { OpenClawConfig } from "../state/config-schema.ts";
import { sendApiError, sendJson, type ApiFormat } from "./api-errors.ts";
import { routeAdmin } from "./admin-routes.ts";
import type { CredentialFilter } from "./candidates.ts";
import { ClientAbort } from "./client-abort.ts";
import { serveControlUi } from "./control-ui/page.ts";
import { COUNT_TOKENS_PATH } from "./count-tokens.ts";
import type { DispatchOutcome, Exchange, GatewayDeps, ModelRoute } from "./exchange.ts";
import { MODEL_REQUEST_STEPS, runPipeline } from "./pipeline.ts";
import { refuseWithoutToken } from "./steps/gateway-auth.ts";
import { ResponseItemMemory } from "./response-items.ts";
import { createFileSessionStore, type SessionStore } from "../state/session-store.ts";
import { stateUrlOf } from "../auth/redis/state-url.ts";
import type { LiveState } from "./live-state.ts";
import { listModels, modelIdFromPath, retrieveModel } from "./models-route.ts";
import { statusDocument } from "./status-route.ts";
import { tokenChecker } from "./token.ts";
import type { ChatSockets } from "./ws/chat-sockets.ts";
import { isWebSocketUpgrade, serveWithoutUpgrade } from "./ws/plain-upgrade.ts";

/** How many connections, and how long a client may take before it is cut off. */
export interface ConnectionLimits {
  maxConnections: number;
  /** Until the request headers are complete; also how long a connection may sit idle before its first request. */
  headersTimeoutMs: number;
  /** Until the whole request body has arrived (not the answer: model answers may take minutes). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 512, headersTimeoutMs: 30_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000 };

/** `gateway.maxConnections`, `gateway.headersTimeoutMs`, … (our extensions), or the defaults. */
export function connectionLimits(config: OpenClawConfig): ConnectionLimits {
  const gateway = config.gateway;
  return {
    maxConnections: gateway?.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections,
    headersTimeoutMs: gateway?.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
    requestTimeoutMs: gateway?.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    keepAliveTimeoutMs: gateway?.keepAliveTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs,
  };
}

export interface GatewayOptions {
  state: LiveState;
  pools: UpstreamPools;
  token: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  connections: ConnectionLimits;
  /** Whether a credential may be sent upstream (never the gateway's own token). */
  allowCredential: CredentialFilter;
  version: string;
  log: (line: string) => void;
}

export interface RunningGateway {
  url: string;
  server: Server;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** The model routes: each runs the request pipeline (pipeline.ts). */
const MODEL_ROUTES: Record<string, ModelRoute> = {
  "/v1/chat/completions": { path: "/v1/chat/completions", format: "openai", api: "openai-completions" },
  "/v1/messages": { path: "/v1/messages", format: "anthropic", api: "anthropic-messages" },
  // OpenAI's Responses API (the Vercel AI SDK's default, Codex CLI): served by any provider through the adapters.
  "/v1/responses": { path: "/v1/responses", format: "openai", api: "openai-responses" },
  [COUNT_TOKENS_PATH]: { path: COUNT_TOKENS_PATH, format: "anthropic", api: "anthropic-messages", countTokens: true },
};

/** `GET /v1/models/{id}`; the id may hold slashes, encoded or not. */
const MODEL_PREFIX = "/v1/models/";

// Clients differ on whether a base URL ends in /v1 (the OpenAI SDK's includes it, the Anthropic
// SDK's does not, @ai-sdk/anthropic appends only /messages): every API route answers without it too.
const WITHOUT_V1 = /^\/(?:chat\/completions|messages(?:\/count_tokens)?|responses|models(?:\/.*)?)$/;
function apiPath(path: string): string {
  return WITHOUT_V1.test(path) ? `/v1${path}` : path;
}

/** The routes that are not model requests: health and the Control UI page (open to all), the model list, the status document and the Control UI's actions. */
async function routeOther(deps: GatewayDeps, options: GatewayOptions, req: IncomingMessage, res: ServerResponse, path: string, modelRoute: ModelRoute | undefined): Promise<DispatchOutcome> {
  const method = req.method ?? "GET";
  if (path === "/health" && method === "GET") {
    // Notice a broken (or repaired) file without waiting for a model request (not while nothing was ever read: the retry is under way).
    if (!options.state.unavailable()) await options.state.current();
    const problems = options.state.problems();
    const usage = options.state.usageStatus();
    const state = options.state.stateLink();
    // 200 while requests are served, from a snapshot too (a load balancer keeps sending them here);
    // 503 only while the gateway has never read its credentials and can serve no model request.
    const status = state.credentialsRead ? 200 : 503;
    sendJson(res, status, { ok: problems.length === 0 && state.credentialsRead, version: options.version, uptime: Math.round(process.uptime()), problems, usage, state });
    return { status };
  }
  // Claude Code checks that its base URL answers with `HEAD /` (no token) before it starts.
  if (method === "HEAD" && (path === "/" || path === "/health")) {
    res.writeHead(200, { "content-type": path === "/" ? "text/plain" : "application/json" }).end();
    return { status: 200 };
  }
  // The Control UI's page and files: the user types the token into the page.
  const page = serveControlUi(req, res, path);
  if (page) return page;
  const format: ApiFormat = modelRoute?.format ?? (req.headers["anthropic-version"] ? "anthropic" : "openai");
  const refused = refuseWithoutToken(deps, req, res, format);
  if (refused) return refused;
  if (path === "/v1/models" && method === "GET") {
    sendJson(res, 200, listModels(await options.state.current(), format));
    return { status: 200 };
  }
  if (path.startsWith(MODEL_PREFIX) && method === "GET") {
    const id = modelIdFromPath(path.slice(MODEL_PREFIX.length));
    const model = id === undefined ? undefined : retrieveModel(await options.state.current(), format, id);
    if (model) sendJson(res, 200, model);
    else sendApiError(res, format, 404, `The model "${id ?? path.slice(MODEL_PREFIX.length)}" does not exist here; GET /v1/models lists the models, aliases and catalog entries the gateway serves.`, {}, "model_not_found");
    return { status: model ? 200 : 404 };
  }
  if (path === "/api/status" && method === "GET") {
    sendJson(res, 200, statusDocument(await options.state.current()));
    return { status: 200 };
  }
  const admin = await routeAdmin(options.state, req, res, path);
  if (admin) return admin;
  req.resume();
  const known = modelRoute !== undefined || path === "/v1/models" || path.startsWith(MODEL_PREFIX) || path === "/api/status";
  sendApiError(res, format, known ? 405 : 404, known ? `${method} is not allowed on ${path}.` : `No route ${method} ${path}.`);
  return { status: known ? 405 : 404 };
}

/** The log's timestamp, formatted once per millisecond (requests finish many to a millisecond under load). */
let stampMs = -1;
let stamp = "";
function timestamp(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

function logLine(req: IncomingMessage, path: string, outcome: DispatchOutcome, started: number): string {
  const ms = performance.now() - started;
  let line = `${timestamp()} ${req.method ?? "-"} ${path} ${outcome.status} ${ms.toFixed(1)}ms`;
  if (outcome.model) line += ` model=${outcome.model}`;
  if (outcome.profile) line += ` profile=${outcome.profile}`;
  if (outcome.fallbackFor) line += ` fallback-for=${outcome.fallbackFor}`;
  if (outcome.failed) line += ` failed=${outcome.failed.join(",")}`;
  if (outcome.note) line += ` note="${outcome.note}"`;
  return redactSecrets(line);
}

/** Serves one request and logs it (one async function: no promise chain and callbacks per request). */
async function serve(deps: GatewayDeps, options: GatewayOptions, req: IncomingMessage, res: ServerResponse, path: string, signal: ClientAbort, started: number): Promise<void> {
  const modelRoute = MODEL_ROUTES[path];
  let outcome: DispatchOutcome;
  try {
    if (modelRoute && req.method === "POST") {
      const exchange: Exchange = { deps, req, res, route: modelRoute, signal, nothingWorked: { failures: [], cooling: [], missing: [], expired: [] } };
      outcome = await runPipeline(MODEL_REQUEST_STEPS, exchange);
    } else outcome = await routeOther(deps, options, req, res, path, modelRoute);
  } catch (error) {
    options.log(redactSecrets(`internal error on ${req.method} ${path}: ${(error as Error).message}`));
    sendApiError(res, modelRoute?.format ?? "openai", 500, "Internal gateway error.");
    outcome = { status: 500 };
  }
  options.log(logLine(req, path, outcome, started));
}

/** The gateway's own address for a request to itself: loopback when it listens on every interface. */
function selfTarget(server: Server): { host: string; port: number } {
  const { address, port } = server.address() as AddressInfo;
  const host = address === "0.0.0.0" ? "127.0.0.1" : address === "::" ? "::1" : address;
  return { host, port };
}

/** Chat sessions: in Redis when a state URL is set (shared by every host), else OpenClaw's sessions.json. */
async function openSessionStore(state: LiveState): Promise<SessionStore> {
  const ctx = state.latest().ctx;
  const url = stateUrlOf(ctx);
  if (!url) return createFileSessionStore(ctx.stateDir);
  // Loaded only with a state URL, from the Redis backend's lazy module (it shares its connections).
  const { createRedisSessionStore } = await import("../auth/redis-backend.ts");
  const store = createRedisSessionStore({ url });
  // Its agent's sessions in memory before the first request; if that fails, the first read tries again.
  await store.preload(state.latest().agent.id).catch(() => undefined);
  return store;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const sessions = await openSessionStore(options.state);
  const deps: GatewayDeps = {
    state: options.state,
    pools: options.pools,
    allowCredential: options.allowCredential,
    tokenMatches: tokenChecker(options.token),
    maxBodyBytes: options.maxBodyBytes,
    responseItems: new ResponseItemMemory(),
    sessions,
    log: options.log,
  };
  let closing = false;
  const active = new Set<ServerResponse>();
  // Once shutting down, no connection outlives its last response.
  const closeAfter = (res: ServerResponse) => {
    res.shouldKeepAlive = false;
    res.once("finish", () => server.closeIdleConnections());
  };
  const limits = options.connections;
  // Node insists that the headers deadline is not after the whole request's.
  const requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  const server = createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout }, (req, res) => {
    // A connection that is serving a request is never idle, however long the model takes.
    if (req.socket.timeout !== 0) req.socket.setTimeout(0);
    const started = performance.now(); // a number, not a BigInt per request
    active.add(res);
    // One listener for both: the response is no longer in flight, and a client that left before
    // its answer was written aborts the upstream request.
    const signal = new ClientAbort();
    res.once("close", () => {
      active.delete(res);
      if (!res.writableFinished) signal.abort();
    });
    if (closing) closeAfter(res);
    const path = apiPath((req.url ?? "/").split("?")[0]!);
    void serve(deps, options, req, res, path, signal, started);
  });
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node's own timeouts start with the first byte of a request; a connection that never sends one
  // would stay open forever (and a few thousand of them exhaust the process).
  server.on("connection", (socket) => socket.setTimeout(limits.headersTimeoutMs));
  // GET /ws (docs/chat.md): its module and the ws package load on the first upgrade, never before.
  let chatSockets: Promise<ChatSockets | undefined> | undefined;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isWebSocketUpgrade(req)) return serveWithoutUpgrade(server, req, socket, head);
    if (closing) return void socket.destroy();
    chatSockets ??= import("./ws/chat-sockets.ts").then(
      (module) => module.chatSockets({ deps, token: options.token, version: options.version, maxConnections: limits.maxConnections, self: () => selfTarget(server), log: options.log }),
      (error: Error) => void options.log(redactSecrets(`cannot serve /ws: ${error.message}`)),
    );
    void chatSockets.then((sockets) => (sockets ? sockets.upgrade(req, socket, head) : socket.destroy()));
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
        void chatSockets?.then((sockets) => sockets?.close(graceMs));
        for (const res of active) closeAfter(res);
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          sessions.close?.();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
