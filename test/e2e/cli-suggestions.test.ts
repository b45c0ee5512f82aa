// A mistyped command or flag is answered with what was probably meant, also
// under `models` and `gateway`, which run a default action of their own.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { makeHome, runCli } from "../helpers/cli.ts";

const home = makeHome();
after(() => home.cleanup());

async function refused(args: string[]): Promise<string[]> {
  const result = await runCli(args, { home: home.home, stdin: "sk-proj-" + "s".repeat(40) });
  assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
  assert.equal(result.stdout, "");
  return result.stderr.trim().split("\n");
}

test("an unknown top-level command", async () => {
  assert.deepEqual(await refused(["modles"]), ["Error: unknown command 'modles'", "(Did you mean models?)", "(add --help for usage)"]);
});

test("`models statu` suggests status (not \"too many arguments\")", async () => {
  assert.deepEqual(await refused(["models", "statu"]), ["Error: unknown command 'statu'", "(Did you mean status?)", "(add --help for usage)"]);
  // A word like no subcommand is still an unknown command, without a guess.
  assert.deepEqual(await refused(["models", "frobnicate"]), ["Error: unknown command 'frobnicate'", "(add --help for usage)"]);
});

test("`gateway tokn` suggests token", async () => {
  assert.deepEqual(await refused(["gateway", "tokn"]), ["Error: unknown command 'tokn'", "(Did you mean token?)", "(add --help for usage)"]);
});

test("`paste-token --provier x` suggests --provider (not \"--provider not specified\")", async () => {
  assert.deepEqual(await refused(["models", "auth", "paste-token", "--provier", "x"]), [
    "Error: unknown option '--provier'",
    "(Did you mean --provider?)",
    "(add --help for usage)",
  ]);
  // Without the flag at all it is still required.
  assert.deepEqual(await refused(["models", "auth", "paste-api-key"]), ["Error: required option '--provider <name>' not specified", "(add --help for usage)"]);
  assert.deepEqual(await refused(["models", "auth", "order", "get", "--provder", "anthropic"]), [
    "Error: unknown option '--provder'",
    "(Did you mean --provider?)",
    "(add --help for usage)",
  ]);
  assert.equal(existsSync(home.stateDir), false, "nothing may be written");
});
