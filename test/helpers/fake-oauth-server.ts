// A fake OAuth server on 127.0.0.1 with an ephemeral port, for src/oauth tests:
// an authorize endpoint that redirects with a code, a token endpoint that checks
// PKCE and rotates refresh tokens (a reused one gets invalid_grant), RFC 8628
// device endpoints that answer from a script, and a slow endpoint for timeouts.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type DeviceStep = "authorization_pending" | "slow_down" | "expired_token" | "access_denied" | "ok";

export interface FakeOAuthOptions {
  clientId?: string;
  /** When set, token requests must carry it. */
  clientSecret?: string;
  /** Error code for a reused refresh token (OpenAI sends `refresh_token_reused` in `{error:{code}}`). */
  reuseStyle?: "invalid_grant" | "openai_refresh_token_reused";
  /** Device poll answers in order (the last one repeats). */
  deviceSteps?: DeviceStep[];
  /** GitHub answers device errors with HTTP 200; RFC 8628 with 400. */
  deviceErrorStatus?: 200 | 400;
  deviceInterval?: number;
  expiresIn?: number;
  /** Claims of issued access tokens (default: an OpenAI account id, as Codex tokens carry). */
  accessClaims?: Record<string, unknown>;
  /** The email in the issued id_token; null = no id_token at all. */
  idTokenEmail?: string | null;
  /** Refresh tokens that work from the start (a login made before the test). */
  initialRefresh?: string[];
  /** Every token answer waits this long (a slow endpoint: concurrent callers pile up meanwhile). */
  tokenDelayMs?: number;
}

/** How the token endpoint answers refresh grants right now: normally, 503 (down), or by dropping the connection. */
export type TokenEndpointMode = "ok" | "down" | "drop";

export interface TokenRequestRecord {
  path: string;
  contentType: string;
  params: Record<string, string>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function fakeJwt(payload: Record<string, unknown>): string {
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.${randomBytes(24).toString("base64url")}`;
}

export async function startFakeOAuthServer(options: FakeOAuthOptions = {}) {
  const clientId = options.clientId ?? "test-client";
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const liveRefresh = new Set<string>(options.initialRefresh ?? []);
  let mode: TokenEndpointMode = "ok";
  const usedRefresh = new Set<string>();
  const requests: TokenRequestRecord[] = [];
  let deviceStep = 0;
  let issued = 0;
  const issuedRefresh: string[] = [];

  const issueTokens = () => {
    issued++;
    const refresh = `rt-${issued}-${randomBytes(16).toString("hex")}`;
    liveRefresh.add(refresh);
    issuedRefresh.push(refresh);
    const email = options.idTokenEmail === undefined ? "user@example.com" : options.idTokenEmail;
    return {
      access_token: fakeJwt({ n: issued, ...(options.accessClaims ?? { "https://api.openai.com/auth": { chatgpt_account_id: "acct-123" } }) }),
      refresh_token: refresh,
      expires_in: options.expiresIn ?? 3600,
      ...(email === null ? {} : { id_token: fakeJwt({ email }) }),
      token_type: "Bearer",
    };
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/authorize") return authorize(url, res);
    if (req.method !== "POST") return send(res, 404, { error: "not_found" });
    if (url.pathname === "/slow") return; // never answers: the client's timeout must fire
    if (url.pathname === "/html-500") return sendRaw(res, 500, "text/html", "<h1>oops</h1>");
    const params = await readParams(req);
    requests.push({ path: url.pathname, contentType: req.headers["content-type"] ?? "", params });
    if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
    if (url.pathname === "/token" && mode === "down") return sendRaw(res, 503, "text/html", "<h1>Service Unavailable</h1>");
    if (url.pathname === "/token" && mode === "drop") return void req.socket.destroy();
    if (params["client_id"] !== clientId) return send(res, 401, { error: "invalid_client", error_description: "unknown client" });
    if (options.clientSecret !== undefined && params["client_secret"] !== options.clientSecret) {
      return send(res, 401, { error: "invalid_client", error_description: "bad client secret" });
    }
    if (url.pathname === "/device/code") {
      return send(res, 200, {
        device_code: `dc-${randomBytes(8).toString("hex")}`,
        user_code: "ABCD-1234",
        verification_uri: `http://127.0.0.1:${port()}/device`,
        expires_in: 900,
        interval: options.deviceInterval ?? 5,
      });
    }
    if (url.pathname === "/token") return token(params, res);
    return send(res, 404, { error: "not_found" });
  });

  function authorize(url: URL, res: ServerResponse): void {
    const p = url.searchParams;
    if (p.get("client_id") !== clientId || p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) {
      return send(res, 400, { error: "invalid_request" });
    }
    const code = `code-${randomBytes(12).toString("hex")}`;
    const redirectUri = p.get("redirect_uri") ?? "";
    codes.set(code, { challenge: p.get("code_challenge")!, redirectUri });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    target.searchParams.set("state", p.get("state") ?? "");
    res.writeHead(302, { location: target.toString() }).end();
  }

  function token(params: Record<string, string>, res: ServerResponse): void {
    const grant = params["grant_type"];
    if (grant === "authorization_code") {
      const entry = codes.get(params["code"] ?? "");
      if (!entry) return send(res, 400, { error: "invalid_grant", error_description: "unknown or used code" });
      codes.delete(params["code"]!);
      const challenge = createHash("sha256").update(params["code_verifier"] ?? "").digest("base64url");
      if (challenge !== entry.challenge) return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      if (params["redirect_uri"] !== entry.redirectUri) return send(res, 400, { error: "invalid_grant", error_description: "redirect_uri mismatch" });
      return send(res, 200, issueTokens());
    }
    if (grant === "refresh_token") {
      const refresh = params["refresh_token"] ?? "";
      if (liveRefresh.has(refresh)) {
        liveRefresh.delete(refresh);
        usedRefresh.add(refresh);
        return send(res, 200, issueTokens());
      }
      if (usedRefresh.has(refresh) && options.reuseStyle === "openai_refresh_token_reused") {
        // The echo of the token is deliberate: the client must not repeat it.
        return send(res, 401, { error: { code: "refresh_token_reused", message: `Your refresh token ${refresh} has already been used to generate a new access token.` } });
      }
      return send(res, 400, { error: "invalid_grant", error_description: `refresh token ${refresh} is invalid or was already used` });
    }
    if (grant === "urn:ietf:params:oauth:grant-type:device_code") {
      const steps = options.deviceSteps ?? ["ok"];
      const step = steps[Math.min(deviceStep++, steps.length - 1)]!;
      if (step === "ok") return send(res, 200, { access_token: `gho_${randomBytes(18).toString("hex")}`, token_type: "bearer", scope: "read:user" });
      return send(res, options.deviceErrorStatus ?? 400, { error: step });
    }
    return send(res, 400, { error: "unsupported_grant_type" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = () => (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port()}`;
  return {
    base,
    clientId,
    requests,
    url: (path: string) => `${base}${path}`,
    tokenRequests: () => requests.filter((r) => r.path === "/token"),
    /** The refresh tokens sent so far, in order. */
    refreshTokensSent: () => requests.filter((r) => r.path === "/token" && r.params["grant_type"] === "refresh_token").map((r) => r.params["refresh_token"] ?? ""),
    /** The refresh tokens issued so far, in order. */
    issuedRefreshTokens: () => [...issuedRefresh],
    setMode: (next: TokenEndpointMode) => void (mode = next),
    /** Makes a refresh token work (a login made elsewhere). */
    addRefresh: (refresh: string) => void liveRefresh.add(refresh),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if ((req.headers["content-type"] ?? "").startsWith("application/json")) return JSON.parse(text) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, "application/json", JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

/**
 * `models.providers.acme`: a custom OAuth provider (client `acme-client`) in front of an
 * OpenAI-style upstream at `upstreamUrl`, logging in and refreshing at the fake `idp`.
 */
export function acmeOAuthProvider(upstreamUrl: string, idp: { url(path: string): string }) {
  return {
    api: "openai-completions",
    baseUrl: `${upstreamUrl}/v1`,
    auth: "oauth",
    oauth: { authorizeUrl: idp.url("/authorize"), tokenUrl: idp.url("/token"), clientId: "acme-client" },
    models: [{ id: "acme-large", name: "Acme Large" }],
  };
}
