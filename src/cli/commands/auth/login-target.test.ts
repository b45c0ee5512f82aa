import { test } from "node:test";
import assert from "node:assert/strict";
import type { OpenClawConfig } from "../../../state/config-schema.ts";
import { fakeJwt } from "../../../../test/helpers/fake-oauth-server.ts";
import { credentialFromTokens, defaultProfileName } from "./login-credential.ts";
import { formatRemaining } from "./login-device-code.ts";
import { oauthProviderIds, parseMethod, resolveLoginTarget } from "./login-target.ts";

const oauth = { authorizeUrl: "https://idp.example/authorize", tokenUrl: "https://idp.example/token", clientId: "cid" };
const config = {
  models: {
    providers: {
      zeta: { auth: "oauth", oauth: { ...oauth, deviceCodeUrl: "https://idp.example/device" }, models: [{ id: "z-1" }, { id: "z-2" }] },
      acme: { auth: "oauth", oauth },
      keyed: { apiKey: "x", oauth },
      "openai-codex": { oauth: { authorizeUrl: "http://127.0.0.1:5/authorize", tokenUrl: "http://127.0.0.1:5/token", callbackPort: 0, clientId: "ignored" } },
    },
  },
} as unknown as OpenClawConfig;

test("providers with OAuth: the built-ins, then custom ones with auth oauth and an oauth block", () => {
  assert.deepEqual(oauthProviderIds(config), ["openai-codex", "github-copilot", "acme", "zeta"]);
  assert.deepEqual(oauthProviderIds({} as OpenClawConfig), ["openai-codex", "github-copilot"]);
});

test("--method and --device-code", () => {
  assert.equal(parseMethod(undefined, undefined), undefined);
  assert.equal(parseMethod("oauth", undefined), "authorization-code");
  assert.equal(parseMethod("Device-Code", undefined), "device-code");
  assert.equal(parseMethod(undefined, true), "device-code");
  assert.equal(parseMethod("device-code", true), "device-code");
  assert.throws(() => parseMethod("oauth", true), /contradict/);
  assert.throws(() => parseMethod("magic", undefined), /Unknown auth method "magic"/);
});

test("built-ins: fixed flows, endpoint overrides from config, never the client id", () => {
  const codex = resolveLoginTarget(config, "openai-codex", undefined);
  assert.equal(codex.flow, "authorization-code");
  assert.equal(codex.provider.tokenUrl, "http://127.0.0.1:5/token");
  assert.equal(codex.provider.callback!.port, 0);
  assert.equal(codex.provider.clientId, "app_EMoamEEZ73f0CkXaXp7hrann");
  assert.equal(codex.defaultModel, "openai-codex/gpt-5.3-codex");
  assert.throws(() => resolveLoginTarget(config, "openai-codex", "device-code"), /browser only/);
  const copilot = resolveLoginTarget(config, "github-copilot", undefined);
  assert.equal(copilot.flow, "device-code");
  assert.equal(copilot.provider.deviceCodeUrl, "https://github.com/login/device/code");
  assert.equal(copilot.label, "GitHub");
  assert.throws(() => resolveLoginTarget(config, "github-copilot", "authorization-code"), /device code flow only/);
});

test("custom providers: browser by default, device code only with a deviceCodeUrl; default model = first listed", () => {
  const zeta = resolveLoginTarget(config, "zeta", "device-code");
  assert.equal(zeta.flow, "device-code");
  assert.equal(zeta.defaultModel, "zeta/z-1");
  const acme = resolveLoginTarget(config, "acme", undefined);
  assert.equal(acme.flow, "authorization-code");
  assert.equal(acme.defaultModel, undefined);
  assert.throws(() => resolveLoginTarget(config, "acme", "device-code"), /acme has no device code endpoint/);
});

test("no OAuth for a provider: the error lists those that have it, with a hint that fits", () => {
  assert.throws(() => resolveLoginTarget(config, "keyed", undefined), (e: Error & { hint?: string }) => {
    assert.match(e.message, /No OAuth login for provider "keyed"\. Providers with OAuth: openai-codex, github-copilot, acme, zeta\./);
    assert.match(e.hint!, /auth: "oauth"/);
    return true;
  });
  assert.throws(() => resolveLoginTarget(config, "openai", undefined), (e: Error & { hint?: string }) => /--provider openai-codex/.test(e.hint!));
});

test("credentials: Codex needs an account id; Copilot keeps GitHub's token without expiry; custom without refresh is a token", () => {
  const codex = resolveLoginTarget(config, "openai-codex", undefined);
  const access = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-9" } });
  const ok = credentialFromTokens(codex, { access, refresh: "r", expires: 5, email: "a@b.c" });
  assert.deepEqual(ok, { credential: { type: "oauth", provider: "openai-codex", access, refresh: "r", expires: 5, accountId: "acct-9", email: "a@b.c" }, mode: "oauth", email: "a@b.c" });
  assert.throws(() => credentialFromTokens(codex, { access: fakeJwt({}), refresh: "r", expires: 5 }), /^Error: Failed to extract accountId from token$|Failed to extract accountId from token/);
  assert.throws(() => credentialFromTokens(codex, { access }), /lacks refresh_token/);

  const copilot = resolveLoginTarget(config, "github-copilot", undefined);
  assert.deepEqual(credentialFromTokens(copilot, { access: "gho_x", expires: 9 }), { credential: { type: "token", provider: "github-copilot", token: "gho_x" }, mode: "token" });
  assert.equal(defaultProfileName(copilot, "x@y.z"), "github");

  const acme = resolveLoginTarget(config, "acme", undefined);
  assert.deepEqual(credentialFromTokens(acme, { access: "t", expires: 7 }), { credential: { type: "token", provider: "acme", token: "t", expires: 7 }, mode: "token" });
  assert.equal(credentialFromTokens(acme, { access: "t", refresh: "r" }).credential.type, "oauth");
  assert.equal(defaultProfileName(acme, undefined), "default");
  assert.equal(defaultProfileName(acme, "x@y.z"), "x@y.z");
});

test("countdown format", () => {
  assert.equal(formatRemaining(900_000), "15:00");
  assert.equal(formatRemaining(61_001), "1:02");
  assert.equal(formatRemaining(-5), "0:00");
});
