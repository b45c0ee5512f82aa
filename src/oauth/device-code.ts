// RFC 8628 device authorization: ask for a device code, show the user code
// and URL, poll the token endpoint until the user approves, refuses, or the
// code expires. Clock and sleep are injectable so tests run instantly.
import { OAuthError } from "./errors.ts";
import type { OAuthProvider } from "./providers.ts";
import { parseTokenResponse, postTokenRequest, type TokenRequestOptions, type TokenSet } from "./token-client.ts";

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Absolute ms after which the device code is dead. */
  expiresAt: number;
  /** Poll interval in ms (at least 1 s; 5 s when the server does not say). */
  intervalMs: number;
}

export interface DevicePollProgress {
  /** ms until the device code expires. */
  remainingMs: number;
  /** ms until the next poll. */
  nextPollMs: number;
}

export interface DeviceFlowOptions extends TokenRequestOptions {
  /** Show the user code and where to enter it. */
  onPrompt?: (authorization: DeviceAuthorization) => void;
  /** Called before each wait: for a countdown. */
  onWaiting?: (progress: DevicePollProgress) => void;
  /** Resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const SLOW_DOWN_STEP_MS = 5000;

type DeviceEndpoint = Pick<OAuthProvider, "id" | "tokenUrl" | "deviceCodeUrl" | "clientId" | "clientSecret" | "tokenRequestFormat" | "scopes" | "expirySkewMs">;

export async function requestDeviceCode(provider: DeviceEndpoint, options: TokenRequestOptions = {}): Promise<DeviceAuthorization> {
  if (!provider.deviceCodeUrl) throw new OAuthError("invalid_config", `${provider.id} does not offer a device flow`);
  const params: Record<string, string> = provider.scopes.length > 0 ? { scope: provider.scopes.join(" ") } : {};
  // Same wire rules as the token endpoint (client id, format, errors, timeout).
  const body = await postTokenRequest({ ...provider, tokenUrl: provider.deviceCodeUrl }, params, options);
  const str = (key: string): string | undefined => (typeof body[key] === "string" && body[key] !== "" ? (body[key] as string) : undefined);
  const deviceCode = str("device_code");
  const userCode = str("user_code");
  const verificationUri = str("verification_uri") ?? str("verification_url");
  if (!deviceCode || !userCode || !verificationUri) {
    throw new OAuthError("bad_response", `${provider.id}: the device authorization response lacks device_code, user_code or verification_uri`);
  }
  const expiresIn = Number(body["expires_in"]);
  const interval = Number(body["interval"]);
  const now = (options.now ?? Date.now)();
  const complete = str("verification_uri_complete");
  return {
    deviceCode,
    userCode,
    verificationUri,
    ...(complete ? { verificationUriComplete: complete } : {}),
    expiresAt: now + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 900) * 1000,
    intervalMs: Math.max(1000, Number.isFinite(interval) && interval > 0 ? interval * 1000 : 5000),
  };
}

/** Polls until tokens arrive; `authorization_pending` waits, `slow_down` adds 5 s to the interval. */
export async function pollDeviceToken(provider: DeviceEndpoint, authorization: DeviceAuthorization, options: DeviceFlowOptions = {}): Promise<TokenSet> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  let intervalMs = authorization.intervalMs;
  for (;;) {
    const remainingMs = authorization.expiresAt - now();
    if (remainingMs <= 0) throw expired(provider);
    const nextPollMs = Math.min(intervalMs, remainingMs);
    options.onWaiting?.({ remainingMs, nextPollMs });
    try {
      await sleep(nextPollMs, options.signal);
    } catch (error) {
      throw new OAuthError("aborted", `${provider.id}: login cancelled`, { cause: error });
    }
    if (options.signal?.aborted) throw new OAuthError("aborted", `${provider.id}: login cancelled`);
    try {
      const body = await postTokenRequest(provider, { grant_type: DEVICE_GRANT, device_code: authorization.deviceCode }, options);
      return parseTokenResponse(provider, body, now);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      if (error.code === "authorization_pending") continue;
      if (error.code === "slow_down") {
        intervalMs += SLOW_DOWN_STEP_MS;
        continue;
      }
      if (error.code === "expired_token") throw expired(provider);
      if (error.code === "access_denied") throw new OAuthError("access_denied", `${provider.id}: login was refused in the browser`, { status: error.status });
      throw error;
    }
  }
}

/** requestDeviceCode → onPrompt → pollDeviceToken. */
export async function deviceCodeLogin(provider: DeviceEndpoint, options: DeviceFlowOptions = {}): Promise<TokenSet> {
  const authorization = await requestDeviceCode(provider, options);
  options.onPrompt?.(authorization);
  return pollDeviceToken(provider, authorization, options);
}

function expired(provider: DeviceEndpoint): OAuthError {
  return new OAuthError("expired_token", `${provider.id}: the device code expired before the login was approved; run login again`);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
