import { test } from "node:test";
import assert from "node:assert/strict";
import { EnvChain, configEnvValues } from "./env-chain.ts";

test("a lower layer never overrides a higher one, and each value says where it came from", () => {
  const chain = new EnvChain({ A: "process", EMPTY: "  " });
  chain.addLayer({ origin: "dotenv", label: "~/project/.env", values: { A: "cwd", B: "cwd", EMPTY: "cwd" } });
  chain.addLayer({ origin: "dotenv", label: "~/.openclaw/.env", values: { B: "state", C: "state" } });
  chain.addLayer({ origin: "config", label: "config env", values: { C: "config", D: "config" } });
  assert.deepEqual(chain.get("A"), { name: "A", value: "process", origin: "process", source: "env: A" });
  assert.equal(chain.get("B")?.source, "~/project/.env: B");
  assert.equal(chain.get("C")?.value, "state");
  assert.equal(chain.get("D")?.source, "config env: D");
  assert.equal(chain.get("EMPTY")?.value, "cwd", "blank values count as unset");
  assert.equal(chain.get("NOPE"), undefined);
  assert.deepEqual(chain.names().sort(), ["A", "B", "C", "D", "EMPTY"]);
});

test("the config env block takes direct keys and vars, but never host-dangerous names", () => {
  assert.deepEqual(
    configEnvValues({ OPENAI_API_KEY: "a", shellEnv: { enabled: true }, vars: { GROQ_API_KEY: "b", OPENAI_API_KEY: "ignored" }, PATH: "/evil", LD_PRELOAD: "/evil.so", NODE_OPTIONS: "--x", "bad name": "x", NUM: 3 }),
    { OPENAI_API_KEY: "a", GROQ_API_KEY: "b" },
  );
  assert.deepEqual(configEnvValues(undefined), {});
});
