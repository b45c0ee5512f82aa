// Authorization code + PKCE at the terminal: a loopback callback server raced
// against a paste (prompt on a terminal, first line of stdin when piped).
// Whichever answers first wins; the other is stopped and the port freed.
import { buildAuthorizeUrl } from "../../../oauth/authorize-url.ts";
import { startCallbackServer, type CallbackServer } from "../../../oauth/callback-server.ts";
import { OAuthError } from "../../../oauth/errors.ts";
import { parsePastedCode } from "../../../oauth/paste.ts";
import { createPkce } from "../../../oauth/pkce.ts";
import { redirectUri, type OAuthProvider } from "../../../oauth/providers.ts";
import { isRemoteEnvironment } from "../../../oauth/remote-env.ts";
import { exchangeAuthorizationCode, type TokenSet } from "../../../oauth/token-client.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printLine, type CliIO } from "../../io.ts";
import { openBrowser } from "../../open-browser.ts";
import { readPastedCode } from "./login-paste.ts";

export const NO_TTY_MESSAGE = "models auth login requires an interactive TTY (or pipe the redirect URL / code on stdin).";

async function tryCallbackServer(io: CliIO, provider: OAuthProvider, state: string, signal: AbortSignal): Promise<CallbackServer | undefined> {
  const callback = provider.callback;
  if (!callback) return undefined;
  try {
    return await startCallbackServer({ host: callback.listenHost, port: callback.port, path: callback.path, expectedState: state, signal });
  } catch (error) {
    if (!(error instanceof OAuthError) || error.code !== "callback_bind_failed") throw error;
    printErrorLine(io, `[${provider.id}] ${error.message}.`);
    return undefined;
  }
}

function showUrl(io: CliIO, url: string): void {
  if (isRemoteEnvironment(io.env)) {
    printLine(io, "Open this URL in your LOCAL browser:");
    printLine(io);
    printLine(io, url);
    printLine(io);
    return;
  }
  // Piped stdin means a script drives this login: no browser pops up for it.
  if (io.stdinIsTTY) openBrowser(url, io.env);
  printLine(io, `Open: ${url}`);
}

type Answer = { via: "callback"; code: string } | { via: "paste"; text: string | undefined };

/** Runs the browser half of the login and exchanges the code; `signal` is Ctrl-C. */
export async function authorizationCodeLogin(io: CliIO, provider: OAuthProvider, signal: AbortSignal): Promise<TokenSet> {
  const pkce = createPkce();
  const server = await tryCallbackServer(io, provider, pkce.state, signal);
  const redirect = redirectUri(provider.callback ?? { listenHost: "127.0.0.1", redirectHost: "127.0.0.1", port: 0, path: "/callback" }, server?.port ?? provider.callback?.port ?? 0);
  const pasteStop = new AbortController();
  const pasteSignal = AbortSignal.any([signal, pasteStop.signal]);
  let answer: Answer;
  try {
    showUrl(io, buildAuthorizeUrl(provider, { redirectUri: redirect, pkce }));
    const pasted = readPastedCode(io, pasteSignal).then((text): Answer => ({ via: "paste", text }));
    const called = server?.result.then((r): Answer => ({ via: "callback", code: r.code }));
    pasted.catch(() => {});
    answer = await Promise.race(called ? [pasted, called] : [pasted]);
  } finally {
    pasteStop.abort();
    await server?.close();
  }
  if (signal.aborted) throw new OAuthError("aborted", "Login cancelled");
  let code: string;
  if (answer.via === "callback") {
    code = answer.code;
    printLine(io, "Browser login received.");
  } else {
    if (answer.text === undefined) throw new UsageError(NO_TTY_MESSAGE);
    code = parsePastedCode(answer.text, pkce.state).code;
  }
  return exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect }, { signal });
}
