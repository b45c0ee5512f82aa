// What people paste is not always just the secret: the wrapping around it is
// removed (and said), a broken secret is refused before anything is written,
// and a provider id that is a near miss of a known one (a credential stored
// under it would never be used) is refused unless --force.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { assertNoSecrets, inTempHome, readJson, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";

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

describe("provider ids that look like a typo of a known one", () => {
  test("paste-api-key and paste-token refuse `antrhopic` with a suggestion and write nothing", () =>
    inTempHome(async (home) => {
      for (const command of ["paste-api-key", "paste-token"]) {
        const result = await runCli(["models", "auth", command, "--provider", "antrhopic"], { home: home.home, stdin: OPENAI_KEY });
        assert.equal(result.code, 1, result.stderr);
        assert.deepEqual(result.stderr.trim().split("\n"), ['Error: Unknown provider "antrhopic". Did you mean anthropic?', 'Use --force to store it for "antrhopic" anyway.']);
        assertNoSecrets(outputs(result), [OPENAI_KEY]);
      }
      assert.equal(existsSync(home.storePath), false);
      assert.equal(existsSync(home.configPath), false);
    }));

  test("--force stores it under the id as typed", () =>
    inTempHome(async (home) => {
      const result = await runCli(["models", "auth", "paste-token", "--provider", "antrhopic", "--force"], { home: home.home, stdin: OPENROUTER_TOKEN });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(storedProfiles(home)["antrhopic:manual"], { type: "token", provider: "antrhopic", token: OPENROUTER_TOKEN });
      assertNoSecrets(outputs(result), [OPENROUTER_TOKEN]);
    }));

  test("known ids from every source, and ids like none, are stored without a question", () =>
    inTempHome(async (home) => {
      // `openrouterx` is one letter from openrouter, but configured: it is known.
      writeJson(home.configPath, { models: { providers: { openrouterx: { baseUrl: "http://127.0.0.1:9/v1" } } } });
      // registry, catalog (groq), env-key table (huggingface), config, and a new id.
      for (const provider of ["anthropic", "groq", "huggingface", "openrouterx", "mycorp-llm"]) {
        const result = await runCli(["models", "auth", "paste-token", "--provider", provider], { home: home.home, stdin: OPENROUTER_TOKEN });
        assert.equal(result.code, 0, `${provider}: ${result.stderr}`);
        assert.equal(storedProfiles(home)[`${provider}:manual`]?.token, OPENROUTER_TOKEN, provider);
      }
      // Near misses of each source are caught.
      for (const [typo, known] of [["gorq", "groq"], ["hugingface", "huggingface"], ["openrouterxy", "openrouterx"]]) {
        const result = await runCli(["models", "auth", "paste-token", "--provider", typo!], { home: home.home, stdin: OPENROUTER_TOKEN });
        assert.equal(result.code, 1, `${typo}: ${result.stderr}`);
        assert.match(result.stderr, new RegExp(`Did you mean ${known}\\?`), typo);
      }
      assert.ok(!readFileSync(home.storePath, "utf8").includes("gorq"));
    }));
});
