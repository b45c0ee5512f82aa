import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { buildAuthorizeUrl } from "./authorize-url.ts";
import { startCallbackServer } from "./callback-server.ts";
import { OAuthError } from "./errors.ts";
import { createPkce } from "./pkce.ts";
import { customOAuthProvider, redirectUri } from "./providers.ts";
import { exchangeAuthorizationCode } from "./token-client.ts";
import { startFakeOAuthServer } from "../../test/helpers/fake-oauth-server.ts";

const base = { host: "127.0.0.1", port: 0, path: "/callback", timeoutMs: 10_000 };
const isCode = (code: string) => (error: unknown) => error instanceof OAuthError && error.code === code;

test("browser → fake authorize → loopback callback → code exchange, the whole login on 127.0.0.1", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const provider = customOAuthProvider("fake", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/token"), clientId: fake.clientId });
  const pkce = createPkce();
  const server = await startCallbackServer({ host: provider.callback!.listenHost, port: provider.callback!.port, path: provider.callback!.path, expectedState: pkce.state });
  t.after(() => server.close());
  assert.ok(server.port > 0);
  const redirect = redirectUri(provider.callback!, server.port);
  // The "browser": follow the authorize redirect to the callback.
  const page = await fetch(buildAuthorizeUrl(provider, { redirectUri: redirect, pkce }));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Authentication successful/);
  const { code, state } = await server.result;
  assert.equal(state, pkce.state);
  const tokens = await exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect });
  assert.ok(tokens.access && tokens.refresh);
  // Closed as soon as it had the code.
  await assert.rejects(fetch(`http://127.0.0.1:${server.port}/callback?code=x&state=${pkce.state}`));
});

test("a wrong state gets a 400 page and rejects the wait with state_mismatch", async () => {
  const server = await startCallbackServer({ ...base, expectedState: "right" });
  const res = await fetch(`http://127.0.0.1:${server.port}/callback?code=abc&state=wrong`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /State mismatch/);
  await assert.rejects(server.result, isCode("state_mismatch"));
  await server.close();
});

test("?error= from the provider rejects with that code; other paths are 404; a missing code keeps waiting", async () => {
  const server = await startCallbackServer({ ...base, expectedState: "s" });
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/favicon.ico`)).status, 404);
  const missing = await fetch(`http://127.0.0.1:${server.port}/callback?state=s`);
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /Missing authorization code/);
  const res = await fetch(`http://127.0.0.1:${server.port}/callback?error=access_denied&error_description=nope&state=s`);
  assert.equal(res.status, 400);
  await assert.rejects(server.result, (error: unknown) => isCode("access_denied")(error) && /nope/.test((error as Error).message));
  await server.close();
});

test("the wait times out, and close() or an abort signal end it as aborted", async () => {
  const timed = await startCallbackServer({ ...base, expectedState: "s", timeoutMs: 50 });
  await assert.rejects(timed.result, isCode("timeout"));
  await assert.rejects(fetch(`http://127.0.0.1:${timed.port}/callback`), "the port is freed after the timeout");

  const closed = await startCallbackServer({ ...base, expectedState: "s" });
  await closed.close();
  await assert.rejects(closed.result, isCode("aborted"));

  const controller = new AbortController();
  const aborted = await startCallbackServer({ ...base, expectedState: "s", signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted.result, isCode("aborted"));
  await aborted.close();
});

test("a port already in use is callback_bind_failed (the caller falls back to paste)", async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  await assert.rejects(startCallbackServer({ ...base, port, expectedState: "s" }), (error: unknown) => isCode("callback_bind_failed")(error) && /EADDRINUSE/.test((error as Error).message));
});
