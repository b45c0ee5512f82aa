// What people paste is not always just the secret: the wrapping around it is
// removed (and said), and a broken secret is refused before anything is written.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { assertNoSecrets, inTempHome, readJson, runCli, type CliResult, type TempHome } from "../helpers/cli.ts";

const OPENAI_KEY = "sk-proj-" + "P".repeat(60);
const OPENROUTER_TOKEN = "sk-or-v1-" + "R".repeat(64);

const outputs = (...results: CliResult[]) => results.flatMap((r) => [r.stdout, r.stderr]);
const storedProfiles = (home: TempHome) => readJson(home.storePath).profiles;

describe("pasted secrets: the wrapping is removed and said", () => {
  const cases: { name: string; stdin: string; notes: string[] }[] = [
    { name: "a Bearer prefix", stdin: `Bearer ${OPENAI_KEY}\n`, notes: ["Note: removed the `Bearer ` prefix"] },
    { name: "surrounding quotes", stdin: `"${OPENAI_KEY}"\n`, notes: ["Note: removed the surrounding quotes"] },
    { name: "a NAME= prefix", stdin: `OPENAI_API_KEY=${OPENAI_KEY}\n`, notes: ["Note: removed the `OPENAI_API_KEY=` prefix"] },
    {
      name: "a whole shell line",
      stdin: `export OPENAI_API_KEY='Bearer ${OPENAI_KEY}'\n`,
      notes: ["Note: removed the `export OPENAI_API_KEY=` prefix", "Note: removed the surrounding quotes", "Note: removed the `Bearer ` prefix"],
    },
  ];
  for (const { name, stdin, notes } of cases) {
    test(`paste-api-key stores the bare key from ${name}`, () =>
      inTempHome(async (home) => {
        const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai"], { home: home.home, stdin });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(storedProfiles(home)["openai:default"], { type: "api_key", provider: "openai", key: OPENAI_KEY });
        assert.deepEqual(result.stderr.trim().split("\n"), notes);
        assertNoSecrets(outputs(result), [OPENAI_KEY]);
      }));
  }

  test("paste-token does the same (Bearer sk-… is stored as sk-…, not Bearersk-…)", () =>
    inTempHome(async (home) => {
      const result = await runCli(["models", "auth", "paste-token", "--provider", "openrouter"], { home: home.home, stdin: `Bearer ${OPENROUTER_TOKEN}` });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(storedProfiles(home)["openrouter:manual"].token, OPENROUTER_TOKEN);
      assert.match(result.stderr, /^Note: removed the `Bearer ` prefix$/m);
      assertNoSecrets(outputs(result), [OPENROUTER_TOKEN]);
    }));
});

describe("pasted secrets: a broken one is refused and nothing is written", () => {
  const half = OPENAI_KEY.slice(0, 30);
  const rest = OPENAI_KEY.slice(30);
  const cases: { name: string; stdin: string; error: RegExp }[] = [
    { name: "a space inside", stdin: `${half} ${rest}`, error: /^Error: The API key contains a space: paste only the API key, as one piece\.$/m },
    { name: "a line break inside", stdin: `${half}\n${rest}\n`, error: /^Error: The API key contains a line break: paste it as one piece, on one line\.$/m },
    { name: "a control character inside", stdin: `${half}\u001b${rest}`, error: /^Error: The API key contains a control or invisible character/m },
    { name: "a zero-width space inside", stdin: `${half}\u200b${rest}`, error: /^Error: The API key contains a control or invisible character/m },
  ];
  for (const { name, stdin, error } of cases) {
    test(name, () =>
      inTempHome(async (home) => {
        const result = await runCli(["models", "auth", "paste-api-key", "--provider", "openai"], { home: home.home, stdin });
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, error);
        assert.match(result.stderr, /^Nothing was stored\.$/m);
        assert.equal(existsSync(home.storePath), false, "auth-profiles.json was written");
        assert.equal(existsSync(home.configPath), false, "openclaw.json was written");
        assertNoSecrets(outputs(result), [OPENAI_KEY, half, rest]);
      }));
  }
});
