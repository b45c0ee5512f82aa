// The token the Copilot model API takes (spec §4.4): exchanged from the stored
// GitHub token, cached in the state dir, reused while more than 5 minutes remain.
//
// - In this process, callers with the same GitHub token (and state dir) share
//   one exchange; each caller's `signal` only stops its own wait.
// - Across processes there is no lock around the exchange: two processes may
//   each exchange once, which is harmless (Copilot tokens do not rotate and
//   the GitHub token stays valid); the cache write itself is atomic and locked.
//
// Usage (the gateway's credential step):
//   const { token, baseUrl } = await copilotRuntimeToken(githubToken, { stateDir });
//   → `Authorization: Bearer ${token}` to `${baseUrl}/chat/completions`
import { resolve } from "node:path";
import { registerSecret } from "../../auth/redact.ts";
import { githubTokenFingerprint, readCachedCopilotToken, writeCachedCopilotToken } from "./token-cache.ts";
import { CopilotAccessError, exchangeGitHubToken, type CopilotToken, type ExchangeOptions } from "./token-exchange.ts";

export { COPILOT_LOGIN_COMMAND, COPILOT_TOKEN_URL, CopilotAccessError, CopilotTokenUnavailableError } from "./token-exchange.ts";
export { copilotTokenCachePath } from "./token-cache.ts";

/** A cached token is reused while more than this remains. */
export const COPILOT_TOKEN_MARGIN_MS = 5 * 60_000;
export const DEFAULT_COPILOT_BASE_URL = "https://api.individual.githubcopilot.com";

export interface CopilotRuntimeOptions extends ExchangeOptions {
  /** OpenClaw's state dir; the cache is `<stateDir>/credentials/github-copilot.token.json`. */
  stateDir: string;
  /** Stops this caller's wait (a shared exchange goes on for the others). */
  signal?: AbortSignal;
  now?: () => number;
  /** Told when the cache could not be written; the token is returned all the same. */
  warn?: (message: string) => void;
  /** A Copilot token the model API just refused (401): not reused from memory or the cache, exchanged anew. */
  rejected?: string;
}

export interface CopilotRuntimeToken {
  /** What the Copilot model API takes as `Authorization: Bearer` (never the GitHub token). */
  token: string;
  /** ms since the epoch. */
  expiresAt: number;
  /** Where to send model requests, from the token's `proxy-ep`. */
  baseUrl: string;
}

/** `proxy-ep=proxy.<host>` in the token's `;`-separated fields → `https://api.<host>`; else the individual plan's API. */
export function copilotBaseUrl(copilotToken: string): string {
  const match = /(?:^|;)\s*proxy-ep=([^;\s]+)/i.exec(copilotToken);
  const host = match?.[1]?.replace(/^https?:\/\//i, "").replace(/^proxy\./i, "api.");
  // Only a bare host[:port]: the value comes from a token, not from anyone who may pick a path or scheme.
  if (!host || !/^[a-z0-9.-]+(?::\d{1,5})?$/i.test(host)) return DEFAULT_COPILOT_BASE_URL;
  return `https://${host}`;
}

// Memory, so a request does not read the cache file each time, and the flights in progress;
// both by state dir and GitHub token fingerprint.
const remembered = new Map<string, CopilotToken>();
const inFlight = new Map<string, Promise<CopilotToken>>();

/** Forgets the in-memory copies (tests that play a second process); the cache file stays. */
export function forgetCopilotTokens(): void {
  remembered.clear();
}

export async function copilotRuntimeToken(githubToken: string, options: CopilotRuntimeOptions): Promise<CopilotRuntimeToken> {
  const value = githubToken.trim();
  if (value === "") throw new CopilotAccessError(401);
  registerSecret(value);
  const now = options.now ?? Date.now;
  const fingerprint = githubTokenFingerprint(value);
  const key = `${resolve(options.stateDir)}\0${fingerprint}`;
  // A refused token is stale however long it has left; callers that still hold it share the one new exchange.
  const fresh: Freshness = (token): token is CopilotToken => token !== undefined && token.token !== options.rejected && token.expiresAt - now() > COPILOT_TOKEN_MARGIN_MS;

  let token = remembered.get(key);
  if (!fresh(token)) {
    let flight = inFlight.get(key);
    if (!flight) {
      flight = obtain(value, fingerprint, options, fresh).finally(() => inFlight.delete(key));
      inFlight.set(key, flight);
    }
    token = await waitFor(flight, options.signal);
    remembered.set(key, token);
  }
  return { token: token.token, expiresAt: token.expiresAt, baseUrl: copilotBaseUrl(token.token) };
}

type Freshness = (token: CopilotToken | undefined) => token is CopilotToken;

/** The cache file if it holds a fresh token of this login, else one exchange, then the cache written. */
async function obtain(githubToken: string, fingerprint: string, options: CopilotRuntimeOptions, fresh: Freshness): Promise<CopilotToken> {
  const cached = await readCachedCopilotToken(options.stateDir, fingerprint);
  if (fresh(cached)) {
    registerSecret(cached.token);
    return cached;
  }
  // Not the caller's signal: other callers may be waiting on this exchange.
  const exchanged = await exchangeGitHubToken(githubToken, {
    ...(options.tokenUrl !== undefined ? { tokenUrl: options.tokenUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const now = (options.now ?? Date.now)();
  try {
    await writeCachedCopilotToken(options.stateDir, { ...exchanged, updatedAt: now, githubTokenSha256: fingerprint });
  } catch (error) {
    // The token is good; without the cache the next process only exchanges again.
    options.warn?.(`Could not cache the Copilot token: ${(error as Error).message}`);
  }
  return exchanged;
}

function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
