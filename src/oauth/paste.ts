// What a user pastes back when the loopback callback cannot be reached
// (remote host, port taken): a full redirect URL, `code#state`, a query
// string `code=…&state=…`, or a bare code.
import { registerSecret } from "../auth/redact.ts";
import { OAuthError } from "./errors.ts";

export interface PastedCode {
  code: string;
  /** Present when the paste carried one (a bare code does not). */
  state?: string;
}

/**
 * Parses a paste; when `expectedState` is given and the paste carries a
 * state, they must match. An `error=` in a pasted URL or query is thrown as
 * that OAuth error.
 */
export function parsePastedCode(input: string, expectedState?: string): PastedCode {
  const text = input.trim();
  if (text === "") throw new OAuthError("missing_code", "Nothing was pasted: paste the authorization code or the full redirect URL");
  const parsed = parse(text);
  if (parsed.code === "") throw new OAuthError("missing_code", "The pasted text has no authorization code");
  registerSecret(parsed.code);
  if (expectedState !== undefined && parsed.state !== undefined && parsed.state !== expectedState) {
    throw new OAuthError("state_mismatch", "State mismatch: the pasted code belongs to another login attempt; start the login again");
  }
  return parsed;
}

function parse(text: string): PastedCode {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new OAuthError("missing_code", "The pasted URL does not parse; paste the whole address from the browser's address bar");
    }
    // Some providers put the answer in the fragment.
    const params = url.searchParams.has("code") || url.searchParams.has("error") ? url.searchParams : new URLSearchParams(url.hash.slice(1));
    return fromParams(params);
  }
  if (/(^|[?&])(code|error)=/.test(text)) return fromParams(new URLSearchParams(text.replace(/^\?/, "")));
  const hash = text.indexOf("#");
  if (hash >= 0) {
    const state = text.slice(hash + 1).trim();
    return { code: text.slice(0, hash).trim(), ...(state === "" ? {} : { state }) };
  }
  return { code: text };
}

function fromParams(params: URLSearchParams): PastedCode {
  const error = params.get("error");
  if (error) {
    const description = params.get("error_description");
    throw new OAuthError(error, `The provider refused the login: ${error}${description ? ` (${description})` : ""}`);
  }
  const code = params.get("code") ?? "";
  const state = params.get("state");
  return { code: code.trim(), ...(state === null || state === "" ? {} : { state }) };
}
