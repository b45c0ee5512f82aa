import { test } from "node:test";
import assert from "node:assert/strict";
import { deviceCodeLogin, pollDeviceToken, requestDeviceCode, type DeviceAuthorization, type DevicePollProgress } from "./device-code.ts";
import { OAuthError } from "./errors.ts";
import { customOAuthProvider, gitHubCopilotProvider, type OAuthProvider } from "./providers.ts";
import { startFakeOAuthServer, type FakeOAuthOptions } from "../../test/helpers/fake-oauth-server.ts";

/** A fake clock that sleep advances: the poll loop runs instantly and we can read its waits. */
function virtualTime(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new Error("aborted");
      sleeps.push(ms);
      now += ms;
    },
  };
}

async function setup(t: { after: (fn: () => unknown) => void }, options: FakeOAuthOptions) {
  const fake = await startFakeOAuthServer(options);
  t.after(() => fake.close());
  const provider: OAuthProvider = { ...gitHubCopilotProvider({ deviceCodeUrl: fake.url("/device/code"), tokenUrl: fake.url("/token") }), clientId: fake.clientId };
  return { fake, provider };
}

test("device login: prompt, pending, slow_down adds 5 s, then tokens (RFC 8628 400 errors)", async (t) => {
  const { fake, provider } = await setup(t, { deviceSteps: ["authorization_pending", "slow_down", "authorization_pending", "ok"], deviceInterval: 5 });
  const clock = virtualTime();
  const prompts: DeviceAuthorization[] = [];
  const progress: DevicePollProgress[] = [];
  const tokens = await deviceCodeLogin(provider, { ...clock, onPrompt: (a) => prompts.push(a), onWaiting: (p) => progress.push(p) });
  assert.match(tokens.access, /^gho_/);
  assert.equal(prompts.length, 1);
  assert.equal(prompts[0]!.userCode, "ABCD-1234");
  assert.equal(prompts[0]!.verificationUri, fake.url("/device"));
  assert.deepEqual(clock.sleeps, [5000, 5000, 10_000, 10_000]);
  assert.deepEqual(progress.map((p) => p.remainingMs), [900_000, 895_000, 890_000, 880_000]);
  const codeRequest = fake.requests.find((r) => r.path === "/device/code")!;
  assert.deepEqual(codeRequest.params, { scope: "read:user", client_id: fake.clientId });
  const polls = fake.tokenRequests();
  assert.equal(polls.length, 4);
  assert.equal(polls[0]!.params["grant_type"], "urn:ietf:params:oauth:grant-type:device_code");
  assert.equal(polls[0]!.params["device_code"], prompts[0]!.deviceCode);
});

test("GitHub-style errors sent with HTTP 200 are read the same way", async (t) => {
  const { provider } = await setup(t, { deviceSteps: ["authorization_pending", "ok"], deviceErrorStatus: 200, deviceInterval: 0 });
  const clock = virtualTime();
  const tokens = await deviceCodeLogin(provider, clock);
  assert.ok(tokens.access);
  assert.deepEqual(clock.sleeps, [5000, 5000], "no interval from the server → 5 s");
});

test("access_denied and expired_token end the login with that code", async (t) => {
  const denied = await setup(t, { deviceSteps: ["authorization_pending", "access_denied"] });
  await assert.rejects(deviceCodeLogin(denied.provider, virtualTime()), (e: unknown) => e instanceof OAuthError && e.code === "access_denied" && /refused/.test(e.message));
  const expired = await setup(t, { deviceSteps: ["expired_token"] });
  await assert.rejects(deviceCodeLogin(expired.provider, virtualTime()), (e: unknown) => e instanceof OAuthError && e.code === "expired_token" && /run login again/.test(e.message));
});

test("the device code's own expiry stops polling without asking the server again", async (t) => {
  const { fake, provider } = await setup(t, { deviceSteps: ["authorization_pending"] });
  const clock = virtualTime();
  const authorization = await requestDeviceCode(provider, clock);
  await assert.rejects(pollDeviceToken(provider, { ...authorization, expiresAt: clock.now() + 12_000 }, clock), (e: unknown) => e instanceof OAuthError && e.code === "expired_token");
  assert.deepEqual(clock.sleeps, [5000, 5000, 2000], "the last wait is cut to the expiry");
  assert.equal(fake.tokenRequests().length, 3);
});

test("an abort signal cancels the wait (real sleep) with code aborted", async (t) => {
  const { provider } = await setup(t, { deviceSteps: ["authorization_pending"], deviceInterval: 30 });
  const controller = new AbortController();
  const login = deviceCodeLogin(provider, { signal: controller.signal, onPrompt: () => setTimeout(() => controller.abort(), 20) });
  await assert.rejects(login, (e: unknown) => e instanceof OAuthError && e.code === "aborted");
});

test("a provider without a device endpoint is refused; a device endpoint's OAuth error is thrown with its code", async (t) => {
  const fake = await startFakeOAuthServer();
  t.after(() => fake.close());
  const noDevice = customOAuthProvider("x", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/token"), clientId: fake.clientId });
  await assert.rejects(requestDeviceCode(noDevice), (e: unknown) => e instanceof OAuthError && e.code === "invalid_config");
  const malformed = customOAuthProvider("y", { authorizeUrl: fake.url("/authorize"), tokenUrl: fake.url("/token"), deviceCodeUrl: fake.url("/token"), clientId: fake.clientId });
  // /token without a grant answers unsupported_grant_type: a device endpoint's OAuth error is thrown as is.
  await assert.rejects(requestDeviceCode(malformed), (e: unknown) => e instanceof OAuthError && e.code === "unsupported_grant_type");
});
