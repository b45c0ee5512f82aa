// Agents from either era's config: 2026.2.26's `agents.list` and 2026.9's keyed `agents.entries`.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { StateContext } from "./context.ts";
import type { OpenClawConfig } from "./config-schema.ts";
import { configuredAgentIds, defaultAgentId, resolveAgent } from "./agents.ts";

function ctxWith(config: OpenClawConfig): StateContext {
  return { config, stateDir: "/home/u/.openclaw", processEnv: { HOME: "/home/u" } } as unknown as StateContext;
}

test("2026.9's agents.entries name the agents and their dirs", () => {
  const ctx = ctxWith({ agents: { entries: { main: { agentDir: "/srv/main-agent" }, work: { name: "work" } } } });
  assert.deepEqual(configuredAgentIds(ctx), ["main", "work"]);
  assert.equal(defaultAgentId(ctx), "main");
  assert.equal(resolveAgent(ctx).dir, "/srv/main-agent");
  assert.equal(resolveAgent(ctx, "work").dir, "/home/u/.openclaw/agents/work/agent");
  assert.throws(() => resolveAgent(ctx, "nobody"), /Unknown agent id "nobody"/);
});

test("agents.list still works, and a default: true entry wins in either form", () => {
  assert.equal(defaultAgentId(ctxWith({ agents: { list: [{ id: "a" }, { id: "b", default: true }] } })), "b");
  assert.equal(defaultAgentId(ctxWith({ agents: { entries: { a: {}, b: { default: true } } } })), "b");
});
