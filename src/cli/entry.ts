#!/usr/bin/env node
// Process entry, kept small because every command pays for it (the build
// emits it as CommonJS, which starts faster than an ES module):
// - `openclaw --help` / `--version` print text the build generated from the
//   command table, without loading it;
// - `openclaw models status [flags]` (what monitoring runs every few minutes)
//   goes straight to its module when its flags are the plain ones, compiled
//   with the build's V8 code cache (code-cache.ts);
// - everything else goes through the command table in program.ts.
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { VERSION } from "../version.ts";
import { requireWithCodeCache } from "./code-cache.ts";
import { fdWriter } from "./fd-output.ts";
import type * as StatusCommand from "./commands/models/status.ts";
import { parseStatusArgs, type StatusFlagValues } from "./status-flags.ts";

function rootHelpText(): string | undefined {
  try {
    return readFileSync(join(dirname(realpathSync(process.argv[1]!)), "root-help.txt"), "utf8");
  } catch {
    return undefined;
  }
}

async function runStatusDirectly(options: StatusFlagValues): Promise<number> {
  // The entry only ever runs as dist/openclaw.cjs, where __dirname is dist/;
  // build.mjs names each command's bundle after its path.
  const status = requireWithCodeCache(join(__dirname, "modules", "models-status.cjs")) as typeof StatusCommand;
  return status.runInProcess(options);
}

async function runProgram(): Promise<number> {
  const { main } = await import("./program.ts");
  return main(process.argv);
}

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
const help = only === "--help" || only === "-h" ? rootHelpText() : undefined;
const statusOptions = args[0] === "models" && args[1] === "status" ? parseStatusArgs(args.slice(2)) : undefined;
// Not process.stdout: building that stream would cost more than the rest of these two answers.
const print = (text: string) => fdWriter(1, () => process.stdout).write(text);
if (help !== undefined) {
  print(help);
} else if (only === "--version" || only === "-V") {
  print(`${VERSION}\n`);
} else {
  void (statusOptions ? runStatusDirectly(statusOptions) : runProgram()).then((code) => {
    process.exitCode = code;
  });
}
