import { test } from "node:test";
import assert from "node:assert/strict";
import { redactSecrets } from "../auth/redact.ts";
import { OAuthError, needsReLogin } from "./errors.ts";
import { createPkce } from "./pkce.ts";
import { customOAuthProvider, type OAuthProvider } from "./providers.ts";
import { exchangeAuthorizationCode, parseTokenResponse, refreshAccessToken } from "./token-client.ts";
import { startFakeOAuthServer } from "../../test/helpers/fake-oauth-server.ts";

type Fake = Awaited<ReturnType<typeof startFakeOAuthServer>>;

function providerFor(fake: Fake, extra: Record<string, unknown> = {}): OAuthProvider {
  return customOAuthProvider("fake", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/token"), clientId: fake.clientId, ...extra });
}

/** Runs the authorize step by hand: the fake redirects with a code bound to the challenge. */
async function authorize(fake: Fake, provider: OAuthProvider, redirect: string) {
  const pkce = createPkce();
  const url = new URL(provider.authorizeUrl!);
  url.search = new URLSearchParams({ client_id: provider.clientId, redirect_uri: redirect, code_challenge: pkce.challenge, code_challenge_method: "S256", state: pkce.state }).toString();
  const res = await fetch(url, { redirect: "manual" });
  const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
  return { pkce, code };
}

function assertNoSecrets(error: unknown, secrets: string[]): true {
  assert.ok(error instanceof OAuthError, `expected an OAuthError, got ${String(error)}`);
  for (const secret of secrets) {
    assert.ok(!error.message.includes(secret), `message leaks a secret: ${error.message}`);
    assert.ok(!String(error.stack).includes(secret), "stack leaks a secret");
  }
  return true;
}

test("code exchange (form): tokens, absolute expiry, id_token email, all registered for redaction", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const provider = providerFor(fake);
  const redirect = "http://127.0.0.1:5555/callback";
  const { pkce, code } = await authorize(fake, provider, redirect);
  const now = 1_700_000_000_000;
  const tokens = await exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect }, { now: () => now });
  assert.match(tokens.access, /^eyJ/);
  assert.match(tokens.refresh!, /^rt-1-/);
  assert.equal(tokens.expires, now + 3600 * 1000);
  assert.equal(tokens.email, "user@example.com");
  assert.equal(tokens.tokenType, "Bearer");
  const sent = fake.tokenRequests()[0]!;
  assert.equal(sent.contentType, "application/x-www-form-urlencoded");
  assert.deepEqual(Object.keys(sent.params).sort(), ["client_id", "code", "code_verifier", "grant_type", "redirect_uri"]);
  for (const secret of [tokens.access, tokens.refresh!, tokens.idToken!, code]) assert.ok(!redactSecrets(`x ${secret} y`).includes(secret));
});

test("JSON token requests and a client secret when the provider says so", async (t) => {
  const fake = await startFakeOAuthServer({ clientSecret: "fake-client-secret-123" });
  t.after(() => fake.close());
  const provider = providerFor(fake, { tokenRequestFormat: "json", clientSecret: "fake-client-secret-123" });
  const redirect = "http://127.0.0.1:5555/callback";
  const { pkce, code } = await authorize(fake, provider, redirect);
  const tokens = await exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect });
  assert.ok(tokens.refresh);
  const sent = fake.tokenRequests()[0]!;
  assert.equal(sent.contentType, "application/json");
  assert.equal(sent.params["client_secret"], "fake-client-secret-123");
});

test("a wrong verifier is invalid_grant; a wrong client secret is invalid_client", async (t) => {
  const fake = await startFakeOAuthServer({ clientSecret: "right-secret-value" });
  t.after(() => fake.close());
  const good = providerFor(fake, { clientSecret: "right-secret-value" });
  const redirect = "http://127.0.0.1:5555/callback";
  const first = await authorize(fake, good, redirect);
  await assert.rejects(
    exchangeAuthorizationCode(good, { code: first.code, verifier: createPkce().verifier, redirectUri: redirect }),
    (error: unknown) => error instanceof OAuthError && error.code === "invalid_grant" && error.status === 400 && /PKCE/.test(error.message),
  );
  const bad = providerFor(fake, { clientSecret: "wrong-secret-value" });
  const second = await authorize(fake, good, redirect);
  await assert.rejects(
    exchangeAuthorizationCode(bad, { code: second.code, verifier: second.pkce.verifier, redirectUri: redirect }),
    (error: unknown) => error instanceof OAuthError && error.code === "invalid_client" && error.status === 401 && assertNoSecrets(error, ["wrong-secret-value", second.code]),
  );
});

test("refresh rotates the refresh token; reusing the old one is invalid_grant, with no token in the message", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const provider = providerFor(fake);
  const redirect = "http://127.0.0.1:5555/callback";
  const { pkce, code } = await authorize(fake, provider, redirect);
  const first = await exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect });
  const second = await refreshAccessToken(provider, first.refresh!);
  assert.notEqual(second.refresh, first.refresh);
  assert.notEqual(second.access, first.access);
  assert.deepEqual(fake.tokenRequests()[1]!.params, { grant_type: "refresh_token", refresh_token: first.refresh!, client_id: fake.clientId });
  await assert.rejects(refreshAccessToken(provider, first.refresh!), (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, "invalid_grant");
    assert.ok(needsReLogin(error));
    return assertNoSecrets(error, [first.refresh!, first.access, second.refresh!]);
  });
  const third = await refreshAccessToken(provider, second.refresh!);
  assert.ok(third.access);
});

test("OpenAI's {error:{code:'refresh_token_reused'}} maps to code refresh_token_reused and the echoed token is masked", async (t) => {
  const fake = await startFakeOAuthServer({ reuseStyle: "openai_refresh_token_reused" });
  t.after(() => fake.close());
  const provider = providerFor(fake);
  const redirect = "http://127.0.0.1:5555/callback";
  const { pkce, code } = await authorize(fake, provider, redirect);
  const first = await exchangeAuthorizationCode(provider, { code, verifier: pkce.verifier, redirectUri: redirect });
  await refreshAccessToken(provider, first.refresh!);
  await assert.rejects(refreshAccessToken(provider, first.refresh!), (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, "refresh_token_reused");
    assert.equal(error.status, 401);
    assert.match(error.message, /already been used/);
    return assertNoSecrets(error, [first.refresh!]);
  });
});

test("a refresh answer without refresh_token keeps the token that was sent", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const tokens = parseTokenResponse({ id: "x" }, { access_token: "a-token-without-refresh", expires_in: "60" }, () => 1000);
  assert.equal(tokens.refresh, undefined);
  assert.equal(tokens.expires, 61_000);
  assert.equal(parseTokenResponse({ id: "x", expirySkewMs: 300_000 }, { access_token: "abcdefgh", expires_in: 3600 }, () => 0).expires, 3_300_000);
  assert.throws(() => parseTokenResponse({ id: "x" }, { token_type: "bearer" }), (e: unknown) => e instanceof OAuthError && e.code === "bad_response");
});

test("a token endpoint that never answers times out with code timeout; non-JSON errors are http_error", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const slow = customOAuthProvider("slow", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/slow"), clientId: fake.clientId });
  const started = Date.now();
  await assert.rejects(refreshAccessToken(slow, "some-refresh-token-value", { timeoutMs: 150 }), (error: unknown) => {
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, "timeout");
    assert.match(error.message, /did not answer within 150 ms/);
    return assertNoSecrets(error, ["some-refresh-token-value"]);
  });
  assert.ok(Date.now() - started < 5000);
  const html = customOAuthProvider("html", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/html-500"), clientId: fake.clientId });
  await assert.rejects(refreshAccessToken(html, "another-refresh-token"), (error: unknown) => error instanceof OAuthError && error.code === "http_error" && error.status === 500);
  const controller = new AbortController();
  const pending = refreshAccessToken(slow, "third-refresh-token", { signal: controller.signal, timeoutMs: 10_000 });
  controller.abort();
  await assert.rejects(pending, (error: unknown) => error instanceof OAuthError && error.code === "aborted");
});

test("an unreachable token endpoint is network_error", async () => {
  // A port nothing listens on: bind one, note it, close it.
  const fake = await startFakeOAuthServer();
  const url = fake.url("/token");
  await fake.close();
  const provider = customOAuthProvider("gone", { authorizeUrl: url, tokenUrl: url, clientId: "c" });
  await assert.rejects(refreshAccessToken(provider, "gone-refresh-token"), (error: unknown) => error instanceof OAuthError && error.code === "network_error");
});
