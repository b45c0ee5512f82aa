// The Copilot runtime exchange (spec §4.4): a GitHub token in, a short-lived
// Copilot token out. This is not OAuth: one GET with the GitHub token as Bearer.
// We name ourselves in User-Agent (`openclaw/<version>`); never an editor's or
// VS Code's identity (DESIGN §4.4 "Provider identity").
import { redactSecrets, registerSecret } from "../../auth/redact.ts";
import { OpenClawError } from "../../state/errors.ts";
import { VERSION } from "../../version.ts";

export const COPILOT_TOKEN_URL = "https://api.github.com/copilot_internal/v2/token";
export const DEFAULT_EXCHANGE_TIMEOUT_MS = 10_000;
export const COPILOT_LOGIN_COMMAND = "openclaw models auth login-github-copilot";

export interface CopilotToken {
  token: string;
  /** Absolute expiry, ms since the epoch. */
  expiresAt: number;
}

export interface ExchangeOptions {
  tokenUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** GitHub refused the token (401/403): it has expired, was revoked, or its account has no Copilot. Logging in again fixes it. */
export class CopilotAccessError extends OpenClawError {
  readonly status: number;
  constructor(status: number) {
    super(`GitHub refused the Copilot token exchange (HTTP ${status}): the GitHub token has expired or been revoked, or its account has no Copilot access.`, {
      hint: `Log in again with \`${COPILOT_LOGIN_COMMAND}\` (with an account that has a Copilot subscription).`,
    });
    this.name = "CopilotAccessError";
    this.status = status;
  }
}

/** The exchange failed for now (network, timeout, HTTP 5xx/429/other, an answer without a token): retry later; nothing was cached. */
export class CopilotTokenUnavailableError extends OpenClawError {
  /** HTTP status, when the endpoint answered. */
  readonly status: number | undefined;
  constructor(detail: string, options: { status?: number; cause?: unknown } = {}) {
    super(`Could not get a Copilot token for now: ${redactSecrets(detail)}`, { hint: "Retry shortly.", cause: options.cause });
    this.name = "CopilotTokenUnavailableError";
    this.status = options.status;
  }
}

/** https, or plain http to a loopback host only (tests, a local proxy). Checked before the GitHub token is sent anywhere. */
export function checkTokenUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OpenClawError(`The Copilot token exchange URL is not a URL: ${value}`);
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return url;
  throw new OpenClawError(`The Copilot token exchange URL must use https (plain http only to 127.0.0.1/localhost): ${url.host}`);
}

/** `expires_at` is seconds since the epoch; values above 1e10 are already ms (spec §4.4). */
export function expiresAtMs(raw: unknown): number | undefined {
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) return undefined;
  return value > 1e10 ? value : value * 1000;
}

/** One exchange, no cache. `signal` aborts it (the caller's cancel); the timeout is its own. */
export async function exchangeGitHubToken(githubToken: string, options: ExchangeOptions & { signal?: AbortSignal } = {}): Promise<CopilotToken> {
  registerSecret(githubToken);
  const url = checkTokenUrl(options.tokenUrl ?? COPILOT_TOKEN_URL);
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXCHANGE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "GET",
      headers: { authorization: `Bearer ${githubToken}`, accept: "application/json", "user-agent": `openclaw/${VERSION}` },
      signal,
      // A redirect would carry the GitHub token to wherever it points.
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) throw new CopilotTokenUnavailableError(`${url.host} did not answer within ${timeoutMs} ms`, { cause: error });
    if (options.signal?.aborted) throw new CopilotTokenUnavailableError("the request was cancelled", { cause: error });
    throw new CopilotTokenUnavailableError(`could not reach ${url.host}: ${(error as Error).message}`, { cause: error });
  }
  // The body is not quoted in any error: it is GitHub's, and may echo what was sent.
  if (response.status === 401 || response.status === 403) throw new CopilotAccessError(response.status);
  if (!response.ok) throw new CopilotTokenUnavailableError(`${url.host} answered HTTP ${response.status}`, { status: response.status });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const token = record["token"];
  const expiresAt = expiresAtMs(record["expires_at"]);
  if (typeof token !== "string" || token.trim() === "" || expiresAt === undefined) {
    throw new CopilotTokenUnavailableError(`${url.host} answered without a token and its expiry`, { status: response.status });
  }
  registerSecret(token);
  return { token, expiresAt };
}
