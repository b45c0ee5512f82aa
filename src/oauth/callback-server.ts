// The loopback server the browser is redirected to after login. It waits for
// `?code&state` (or `?error=`) on one path, answers the browser with a small
// page, and closes as soon as it has an answer or its timeout passes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { registerSecret } from "../auth/redact.ts";
import { OAuthError } from "./errors.ts";

export interface CallbackServerOptions {
  host: string;
  /** 0 = any free port; read the real one from `port` afterwards. */
  port: number;
  path: string;
  expectedState: string;
  /** Default 5 minutes: a browser login with 2FA takes a while. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CallbackResult {
  code: string;
  state: string;
}

export interface CallbackServer {
  host: string;
  port: number;
  /** Settles once: the code, or an OAuthError (state_mismatch, the provider's `error`, timeout, aborted). */
  result: Promise<CallbackResult>;
  /** Stops waiting (the result rejects with `aborted` if still pending) and frees the port. */
  close(): Promise<void>;
}

export const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

/** Binds the port; rejects with `callback_bind_failed` (e.g. EADDRINUSE) so the caller can fall back to paste. */
export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  let settle!: { resolve: (r: CallbackResult) => void; reject: (e: OAuthError) => void };
  const result = new Promise<CallbackResult>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {}); // a caller that only closes must not see an unhandled rejection
  let done = false;

  const server = createServer((req, res) => handle(req, res));
  const finish = (outcome: { ok: CallbackResult } | { error: OAuthError }): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    if ("ok" in outcome) settle.resolve(outcome.ok);
    else settle.reject(outcome.error);
    // Let the page already written reach the browser, then drop everything.
    server.close();
    setImmediate(() => server.closeAllConnections());
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://loopback");
    if (req.method !== "GET" || url.pathname !== options.path) return page(res, 404, "Not found.");
    if (done) return page(res, 410, "This login has already finished. Return to your terminal.");
    const error = url.searchParams.get("error");
    if (error) {
      const description = url.searchParams.get("error_description");
      page(res, 400, "Authentication failed. Return to your terminal for details.");
      return finish({ error: new OAuthError(error, `The provider refused the login: ${error}${description ? ` (${description})` : ""}`) });
    }
    const code = url.searchParams.get("code");
    const state = url.searchParams.get("state");
    if (state !== options.expectedState) {
      page(res, 400, "State mismatch. Start the login again from your terminal.");
      return finish({ error: new OAuthError("state_mismatch", "State mismatch: the browser returned from another login attempt (or a forged request); start the login again") });
    }
    if (!code) return page(res, 400, "Missing authorization code.");
    registerSecret(code);
    page(res, 200, "Authentication successful. Return to your terminal to continue.");
    finish({ ok: { code, state } });
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const timer = setTimeout(
    () => finish({ error: new OAuthError("timeout", `No browser callback within ${Math.round(timeoutMs / 1000)} s; paste the redirect URL instead or start the login again`) }),
    timeoutMs,
  );
  timer.unref();
  const onAbort = (): void => finish({ error: new OAuthError("aborted", "Login cancelled") });
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    finish({ error: new OAuthError("aborted", "callback server never started") });
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new OAuthError("callback_bind_failed", `Could not listen on http://${options.host}:${options.port} (${code}); paste the redirect URL instead`, { cause: error });
  }

  return {
    host: options.host,
    port: (server.address() as AddressInfo).port,
    result,
    close: async () => {
      finish({ error: new OAuthError("aborted", "Login cancelled") });
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function page(res: ServerResponse, status: number, message: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>OpenClaw login</title></head><body><p>${message}</p></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close", "cache-control": "no-store" });
  res.end(body);
}
