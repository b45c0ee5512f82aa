// Who gets into the gateway (DESIGN §4.3, issue 6 "Trust"): where the token
// comes from (and where it must not), that every route but /health needs it,
// the token generated on first start, the refusal to listen beyond loopback
// without one, `openclaw gateway token`, and a second gateway on a busy port.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertNoSecrets, inTempHome, readJson, runCli, writeJson, type CliResult, type TempHome } from "../helpers/cli.ts";
import { spawnGateway, waitFor, type TestGateway } from "../helpers/gateway.ts";

const CONFIGURED = "configured-token-" + "c".repeat(30);
const FROM_ENV = "process-env-token-" + "e".repeat(30);
const FROM_FLAG = "flag-token-" + "f".repeat(30);
const PLANTED_CWD = "planted-in-cwd-dotenv-" + "p".repeat(30);
const PLANTED_STATE = "planted-in-state-dotenv-" + "q".repeat(30);
const PLANTED_CONFIG_ENV = "planted-in-config-env-" + "r".repeat(30);
const ALL_TOKENS = [CONFIGURED, FROM_ENV, FROM_FLAG, PLANTED_CWD, PLANTED_STATE, PLANTED_CONFIG_ENV];

/** No OPENCLAW_GATEWAY_TOKEN in the process environment (spawnGateway sets one by default). */
const NO_ENV_TOKEN = { OPENCLAW_GATEWAY_TOKEN: undefined };

/** Runs `fn` with a started gateway, stops it, and checks that it printed no token. */
async function withGateway(home: TempHome, options: Parameters<typeof spawnGateway>[1], fn: (gateway: TestGateway) => Promise<void>, secrets: string[] = ALL_TOKENS): Promise<void> {
  const gateway = await spawnGateway(home, options);
  try {
    await fn(gateway);
  } finally {
    const { stdout, stderr } = await gateway.stop();
    assertNoSecrets([stdout, stderr], secrets);
  }
}

async function status(gateway: TestGateway, path: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${gateway.url}${path}`, { headers });
  await response.arrayBuffer();
  return response.status;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The start-up line that names the token's source (it may arrive just after "Gateway listening"). */
const tokenLine = (gateway: TestGateway) => waitFor("the Token: line", () => /^(Token: .*)\n/m.exec(gateway.output().stdout)?.[1]);

describe("where the token comes from", () => {
  test("a planted ./.env, ~/.openclaw/.env or config env block does not set it; the config token does", () =>
    inTempHome(async (home) => {
      writeJson(home.configPath, { gateway: { auth: { token: CONFIGURED } }, env: { OPENCLAW_GATEWAY_TOKEN: PLANTED_CONFIG_ENV } });
      // spawnGateway starts the gateway in home.home: that is the directory whose ./.env is read.
      writeFileSync(join(home.home, ".env"), `OPENCLAW_GATEWAY_TOKEN=${PLANTED_CWD}\n`);
      writeFileSync(join(home.stateDir, ".env"), `OPENCLAW_GATEWAY_TOKEN=${PLANTED_STATE}\n`);
      await withGateway(home, { env: NO_ENV_TOKEN }, async (gateway) => {
        for (const planted of [PLANTED_CWD, PLANTED_STATE, PLANTED_CONFIG_ENV]) {
          assert.equal(await status(gateway, "/v1/models", bearer(planted)), 401, planted.slice(0, 20));
        }
        assert.equal(await status(gateway, "/v1/models", bearer(CONFIGURED)), 200);
        assert.equal(await tokenLine(gateway), "Token: gateway.auth.token in ~/.openclaw/openclaw.json (print it with: openclaw gateway token)");
      });
      // `gateway token` agrees with the gateway, from the same directory.
      const printed = await runCli(["gateway", "token"], { home: home.home, env: NO_ENV_TOKEN });
      assert.equal(printed.code, 0, printed.stderr);
      assert.equal(printed.stdout, `${CONFIGURED}\n`);
    }));

  test("--token is honoured and wins over OPENCLAW_GATEWAY_TOKEN and the config; the environment wins over the config", () =>
    inTempHome(async (home) => {
      writeJson(home.configPath, { gateway: { auth: { token: CONFIGURED } } });
      await withGateway(home, { env: { OPENCLAW_GATEWAY_TOKEN: FROM_ENV }, args: ["--token", FROM_FLAG] }, async (gateway) => {
        assert.equal(await status(gateway, "/v1/models", bearer(FROM_FLAG)), 200);
        assert.equal(await status(gateway, "/v1/models", { "x-api-key": FROM_FLAG }), 200);
        assert.equal(await status(gateway, "/v1/models", bearer(FROM_ENV)), 401);
        assert.equal(await status(gateway, "/v1/models", bearer(CONFIGURED)), 401);
        assert.equal(await tokenLine(gateway), "Token: the one given with --token");
      });
      await withGateway(home, { env: { OPENCLAW_GATEWAY_TOKEN: FROM_ENV } }, async (gateway) => {
        assert.equal(await status(gateway, "/v1/models", bearer(FROM_ENV)), 200);
        assert.equal(await status(gateway, "/v1/models", bearer(CONFIGURED)), 401);
        assert.equal(await tokenLine(gateway), "Token: OPENCLAW_GATEWAY_TOKEN in the environment");
      });
    }));

  test("with no token anywhere, the first start generates one, stores it 0600 in openclaw.json, and the next start reuses it", () =>
    inTempHome(async (home) => {
      let generated = "";
      await withGateway(
        home,
        { env: NO_ENV_TOKEN },
        async (gateway) => {
          assert.equal(await tokenLine(gateway), "Token: generated and stored as gateway.auth.token in ~/.openclaw/openclaw.json (print it with: openclaw gateway token)");
          generated = readJson(home.configPath).gateway?.auth?.token;
          assert.equal(typeof generated, "string");
          assert.ok(generated.length >= 32, "a token of at least 32 characters");
          assert.equal(statSync(home.configPath).mode & 0o777, 0o600, "openclaw.json must be 0600");
          assert.equal(await status(gateway, "/v1/models", bearer(generated)), 200);
          assert.equal(await status(gateway, "/v1/models"), 401);
        },
        [],
      );
      const configText = readFileSync(home.configPath, "utf8");
      await withGateway(
        home,
        { env: NO_ENV_TOKEN },
        async (gateway) => {
          assert.equal(await tokenLine(gateway), "Token: gateway.auth.token in ~/.openclaw/openclaw.json (print it with: openclaw gateway token)");
          assert.equal(await status(gateway, "/v1/models", bearer(generated)), 200);
        },
        [generated],
      );
      assert.equal(readFileSync(home.configPath, "utf8"), configText, "the second start must not write a new token");
      const printed = await runCli(["gateway", "token"], { home: home.home, env: NO_ENV_TOKEN });
      assert.equal(printed.stdout, `${generated}\n`);
    }));
});

describe("every route but /health needs the token", () => {
  test("/api/status and /v1/models: 401 without a token or with a wrong one, 200 with it", () =>
    inTempHome(async (home) => {
      writeJson(home.configPath, { gateway: { auth: { token: CONFIGURED } } });
      await withGateway(home, { env: NO_ENV_TOKEN }, async (gateway) => {
        for (const path of ["/api/status", "/v1/models"]) {
          assert.equal(await status(gateway, path), 401, `${path} without a token`);
          assert.equal(await status(gateway, path, bearer("wrong-token")), 401, `${path} with a wrong token`);
          assert.equal(await status(gateway, path, { "x-api-key": "wrong-token" }), 401, `${path} with a wrong x-api-key`);
          assert.equal(await status(gateway, path, bearer(CONFIGURED)), 200, `${path} with the token`);
        }
        assert.equal(await status(gateway, "/health"), 200);
      });
    }));

  test("the 401 names x-api-key first on the Anthropic route, Bearer first on the OpenAI one, and how to print the token", () =>
    inTempHome(async (home) => {
      writeJson(home.configPath, { gateway: { auth: { token: CONFIGURED } } });
      await withGateway(home, { env: NO_ENV_TOKEN }, async (gateway) => {
        const message = async (path: string, headers: Record<string, string> = {}) => {
          const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
          assert.equal(response.status, 401);
          return ((await response.json()) as { error: { message: string } }).error.message;
        };
        const anthropic =
          "Missing or wrong gateway token: send `x-api-key: <token>` or `Authorization: Bearer <token>` (the token is gateway.auth.token in openclaw.json; print it with `openclaw gateway token`).";
        assert.equal(await message("/v1/messages"), anthropic);
        assert.equal(await message("/v1/messages", { "x-api-key": "wrong" }), anthropic);
        assert.equal(
          await message("/v1/chat/completions"),
          "Missing or wrong gateway token: send `Authorization: Bearer <token>` or `x-api-key: <token>` (the token is gateway.auth.token in openclaw.json; print it with `openclaw gateway token`).",
        );
      });
    }));
});

describe("listening beyond loopback", () => {
  test("--bind lan or 0.0.0.0 without a token of one's own is refused, even with a planted ./.env, and nothing is generated", () =>
    inTempHome(async (home) => {
      mkdirSync(home.stateDir, { recursive: true });
      writeFileSync(join(home.home, ".env"), `OPENCLAW_GATEWAY_TOKEN=${PLANTED_CWD}\n`);
      for (const bind of ["lan", "0.0.0.0"]) {
        const result = await runCli(["gateway", "--bind", bind, "--port", "0"], { home: home.home, env: NO_ENV_TOKEN, timeoutMs: 10_000 });
        assert.equal(result.code, 1, `--bind ${bind} must be refused\n${result.stdout}${result.stderr}`);
        assert.deepEqual(result.stderr.trim().split("\n"), [
          "Error: Refusing to listen on 0.0.0.0 without a gateway token.",
          "Set one with --token, OPENCLAW_GATEWAY_TOKEN or gateway.auth.token.",
        ]);
        assert.ok(!result.stdout.includes("Gateway listening"), result.stdout);
        assertNoSecrets([result.stdout, result.stderr], [PLANTED_CWD]);
      }
      assert.equal(existsSync(home.configPath), false, "no token may be generated for a non-loopback address");
    }));
});

describe("openclaw gateway token", () => {
  test("piped: the whole token from the environment or the config; none yet: says how one is made, exit 1", () =>
    inTempHome(async (home) => {
      const none = await runCli(["gateway", "token"], { home: home.home, env: NO_ENV_TOKEN });
      assert.equal(none.code, 1);
      assert.equal(none.stdout, "");
      assert.deepEqual(none.stderr.trim().split("\n"), [
        "Error: No gateway token is configured yet.",
        "The first `openclaw gateway` start generates one and stores it as gateway.auth.token in ~/.openclaw/openclaw.json; or set your own there or in OPENCLAW_GATEWAY_TOKEN.",
      ]);
      assert.equal(existsSync(home.stateDir), false, "`gateway token` must not create anything");

      const fromEnv = await runCli(["gateway", "token"], { home: home.home, env: { OPENCLAW_GATEWAY_TOKEN: FROM_ENV } });
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      assert.equal(fromEnv.stdout, `${FROM_ENV}\n`);
      assert.equal(fromEnv.stderr, "");
    }));
});

describe("a second gateway on a busy port", () => {
  test("says a gateway may already be running and how to pick another port; the first keeps serving", () =>
    inTempHome(async (home) => {
      writeJson(home.configPath, { gateway: { auth: { token: CONFIGURED } } });
      await withGateway(home, { env: NO_ENV_TOKEN }, async (gateway) => {
        const port = new URL(gateway.url).port;
        const second: CliResult = await runCli(["gateway", "--port", port], { home: home.home, env: NO_ENV_TOKEN, timeoutMs: 10_000 });
        assert.equal(second.code, 1, second.stdout + second.stderr);
        assert.deepEqual(second.stderr.trim().split("\n"), [
          `Error: port ${port} on 127.0.0.1 is already in use; a gateway may already be running (check http://127.0.0.1:${port}/health).`,
          "Stop it, or pick another port with --port <n> (or gateway.port / OPENCLAW_GATEWAY_PORT).",
        ]);
        assert.ok(!second.stdout.includes("Gateway listening"));
        assert.equal(await status(gateway, "/v1/models", bearer(CONFIGURED)), 200);
      });
    }));
});
