// One error type for every OAuth failure, with a machine-readable `code`
// (the OAuth error string when the server sent one). Messages are redacted:
// a token, code or verifier never reaches a terminal through an error.
import { redactSecrets } from "../auth/redact.ts";

/**
 * The OAuth `error` values of RFC 6749 §5.2 / RFC 8628 §3.5 plus OpenAI's
 * `refresh_token_reused`, and our own local failures.
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "refresh_token_reused"
  | "authorization_pending"
  | "slow_down"
  | "access_denied"
  | "expired_token"
  | "server_error"
  | "temporarily_unavailable"
  // local
  | "state_mismatch"
  | "missing_code"
  | "timeout"
  | "aborted"
  | "http_error"
  | "bad_response"
  | "network_error"
  | "callback_bind_failed"
  | "invalid_config"
  // any other `error` string a server sends, kept as is
  | (string & {});

export class OAuthError extends Error {
  override readonly name = "OAuthError";
  readonly code: OAuthErrorCode;
  /** HTTP status of the response that carried the error, when there was one. */
  readonly status: number | undefined;

  constructor(code: OAuthErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/** True for the errors after which the stored refresh token is known to be dead: log in again. */
export function needsReLogin(error: unknown): boolean {
  return error instanceof OAuthError && ["invalid_grant", "refresh_token_reused", "expired_token", "access_denied"].includes(error.code);
}
