import { test } from "node:test";
import assert from "node:assert/strict";
import { buildAuthorizeUrl } from "./authorize-url.ts";
import { OAuthError } from "./errors.ts";
import { openAICodexAccountId } from "./jwt.ts";
import { builtInOAuthProvider, customOAuthProvider, gitHubCopilotProvider, openAICodexProvider, redirectUri } from "./providers.ts";
import { fakeJwt } from "../../test/helpers/fake-oauth-server.ts";

const configError = (field: RegExp) => (error: unknown) => error instanceof OAuthError && error.code === "invalid_config" && field.test(error.message);

test("openai-codex is spec §4.2: endpoints, client id, scopes, localhost:1455 callback, extras", () => {
  const codex = openAICodexProvider();
  assert.equal(codex.authorizeUrl, "https://auth.openai.com/oauth/authorize");
  assert.equal(codex.tokenUrl, "https://auth.openai.com/oauth/token");
  assert.equal(codex.clientId, "app_EMoamEEZ73f0CkXaXp7hrann");
  assert.deepEqual(codex.scopes, ["openid", "profile", "email", "offline_access"]);
  assert.equal(codex.tokenRequestFormat, "form");
  assert.equal(redirectUri(codex.callback!, codex.callback!.port), "http://localhost:1455/auth/callback");
  assert.equal(codex.callback!.listenHost, "127.0.0.1");

  const url = new URL(buildAuthorizeUrl(codex, { redirectUri: "http://localhost:1455/auth/callback", pkce: { challenge: "CH", state: "ST" } }));
  assert.equal(url.origin + url.pathname, "https://auth.openai.com/oauth/authorize");
  const q = Object.fromEntries(url.searchParams);
  assert.deepEqual(q, {
    response_type: "code",
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    redirect_uri: "http://localhost:1455/auth/callback",
    scope: "openid profile email offline_access",
    code_challenge: "CH",
    code_challenge_method: "S256",
    state: "ST",
    id_token_add_organizations: "true",
    codex_cli_simplified_flow: "true",
    originator: "openclaw",
  });
});

test("openai-codex endpoints and port are overridable, and still checked", () => {
  const codex = openAICodexProvider({ authorizeUrl: "http://127.0.0.1:9/authorize", tokenUrl: "http://127.0.0.1:9/token", callbackPort: 0 });
  assert.equal(codex.tokenUrl, "http://127.0.0.1:9/token");
  assert.equal(codex.callback!.port, 0);
  assert.throws(() => openAICodexProvider({ tokenUrl: "http://auth.example.com/token" }), configError(/tokenUrl must use https/));
});

test("the Codex account id is read from the access token's claim", () => {
  assert.equal(openAICodexAccountId(fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-9" } })), "acct-9");
  assert.equal(openAICodexAccountId(fakeJwt({ sub: "x" })), undefined);
  assert.equal(openAICodexAccountId("not-a-jwt"), undefined);
});

test("github-copilot is spec §4.4's device flow, with no authorize endpoint", () => {
  const copilot = gitHubCopilotProvider();
  assert.equal(copilot.deviceCodeUrl, "https://github.com/login/device/code");
  assert.equal(copilot.tokenUrl, "https://github.com/login/oauth/access_token");
  assert.equal(copilot.clientId, "Iv1.b507a08c87ecfe98");
  assert.deepEqual(copilot.scopes, ["read:user"]);
  assert.equal(copilot.authorizeUrl, undefined);
  assert.throws(() => buildAuthorizeUrl(copilot, { redirectUri: "http://127.0.0.1:1/cb", pkce: { challenge: "c", state: "s" } }), configError(/device flow only/));
  assert.equal(builtInOAuthProvider("github-copilot")?.id, "github-copilot");
  assert.equal(builtInOAuthProvider("openai-codex")?.id, "openai-codex");
  assert.equal(builtInOAuthProvider("anthropic"), undefined);
});

test("a custom provider from config: defaults, JSON format, secret, callback port", () => {
  const p = customOAuthProvider("acme", {
    authorizeUrl: "https://id.acme.test/authorize?audience=api",
    tokenUrl: "https://id.acme.test/token",
    deviceCodeUrl: "https://id.acme.test/device",
    clientId: "acme-cli",
    clientSecret: "acme-secret-value",
    scopes: ["openid", "models.read"],
    callbackPort: 8765,
    tokenRequestFormat: "json",
  });
  assert.equal(p.tokenRequestFormat, "json");
  assert.equal(p.clientSecret, "acme-secret-value");
  assert.equal(redirectUri(p.callback!, 8765), "http://127.0.0.1:8765/callback");
  const url = new URL(buildAuthorizeUrl(p, { redirectUri: "http://127.0.0.1:8765/callback", pkce: { challenge: "c", state: "s" } }));
  assert.equal(url.searchParams.get("audience"), "api", "query already in authorizeUrl is kept");
  assert.equal(url.searchParams.get("scope"), "openid models.read");

  const minimal = customOAuthProvider("m", { authorizeUrl: "http://localhost:8080/a", tokenUrl: "http://127.0.0.1:8080/t", clientId: "c" });
  assert.equal(minimal.tokenRequestFormat, "form");
  assert.deepEqual(minimal.scopes, []);
  assert.equal(minimal.callback!.port, 0);
  assert.equal(minimal.clientSecret, undefined);
});

test("custom provider validation names the field", () => {
  const ok = { authorizeUrl: "https://a.test/a", tokenUrl: "https://a.test/t", clientId: "c" };
  assert.throws(() => customOAuthProvider("x", null), configError(/models\.providers\.x\.oauth must be an object/));
  assert.throws(() => customOAuthProvider("x", { ...ok, tokenUrl: "http://a.test/t" }), configError(/oauth\.tokenUrl must use https/));
  assert.throws(() => customOAuthProvider("x", { ...ok, authorizeUrl: "not a url" }), configError(/oauth\.authorizeUrl is not a URL/));
  assert.throws(() => customOAuthProvider("x", { ...ok, deviceCodeUrl: "ftp://a.test/d" }), configError(/deviceCodeUrl must use https/));
  assert.throws(() => customOAuthProvider("x", { ...ok, clientId: "" }), configError(/clientId must be a non-empty string/));
  assert.throws(() => customOAuthProvider("x", { ...ok, scopes: ["a b"] }), configError(/scopes/));
  assert.throws(() => customOAuthProvider("x", { ...ok, callbackPort: 70000 }), configError(/callbackPort/));
  assert.throws(() => customOAuthProvider("x", { ...ok, tokenRequestFormat: "xml" }), configError(/tokenRequestFormat/));
  assert.throws(() => customOAuthProvider("x", { ...ok, redirectUrl: "https://a.test" }), configError(/redirectUrl is not a known field/));
});
