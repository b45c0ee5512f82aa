import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copilotChoice, withCopilotPlan, type CopilotTokenPlan } from "./copilot-access.ts";
import type { CredentialChoice } from "./candidates.ts";
import type { GatewayDeps } from "./exchange.ts";
import type { StateContext } from "../state/context.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import { forgetCopilotTokens } from "../providers/copilot/copilot-token.ts";
import { startFakeCopilotExchange } from "../../test/helpers/fake-copilot-token.ts";

const GITHUB = "gho_UnitTestGitHubToken0123456789abcdefgh";
const SPEC: ProviderSpec = { id: "github-copilot", api: "openai-completions", baseUrl: "https://api.individual.githubcopilot.com", headers: { "x-team": "a" }, configApiKey: undefined };
const CHOICE: CredentialChoice = { profileId: "github-copilot:github", fingerprint: "f", source: "profile:github-copilot:github", servedBy: "github-copilot:github", secret: { secret: GITHUB, kind: "api_key" } };

function context(stateDir: string, provider: Record<string, unknown>): StateContext {
  return { stateDir, config: { models: { providers: { "github-copilot": provider } } } } as unknown as StateContext;
}

test("only Copilot choices get the exchange plan", () => {
  assert.equal(withCopilotPlan({ ...SPEC, id: "openai" }, CHOICE), CHOICE);
  assert.deepEqual(withCopilotPlan(SPEC, CHOICE).prepare, { kind: "copilot-token", githubToken: GITHUB });
});

test("without a configured base URL the request goes to the host the token names, as openclaw; config headers kept", async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), "copilot-access-"));
  const exchange = await startFakeCopilotExchange({ githubTokens: [GITHUB], expiresAt: () => Math.floor(Date.now() / 1000) + 1800 });
  t.after(async () => {
    forgetCopilotTokens();
    await exchange.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  exchange.answer = () => ({ body: { token: "tid=x;proxy-ep=proxy.business.githubcopilot.com;sig=abc", expires_at: Math.floor(Date.now() / 1000) + 1800 } });
  const deps = { log: () => {} } as unknown as GatewayDeps;
  const plan = withCopilotPlan(SPEC, CHOICE).prepare as CopilotTokenPlan;
  const ready = await copilotChoice({ deps, ctx: context(stateDir, { oauth: { copilotTokenUrl: exchange.url } }), spec: SPEC, choice: CHOICE, plan, modelKey: "github-copilot/gpt-4.1" });
  assert.ok(!("failure" in ready));
  assert.equal(ready.secret.secret, "tid=x;proxy-ep=proxy.business.githubcopilot.com;sig=abc");
  assert.equal(ready.sendTo?.baseUrl, "https://api.business.githubcopilot.com");
  assert.match(ready.sendTo!.headers["editor-version"]!, /^openclaw\//);
  assert.equal(ready.sendTo!.headers["x-team"], "a");
  // The same host twice: the same spec object (forward.ts caches endpoints per spec).
  const again = await copilotChoice({ deps, ctx: context(stateDir, { oauth: { copilotTokenUrl: exchange.url } }), spec: SPEC, choice: CHOICE, plan, modelKey: "github-copilot/gpt-4.1" });
  assert.ok(!("failure" in again));
  assert.equal(again.sendTo, ready.sendTo);
});
