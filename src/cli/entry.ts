#!/usr/bin/env node
// Process entry, kept small because every command pays for it:
// - `openclaw --help` / `--version` print text the build generated from the
//   command table, without loading it;
// - `openclaw models status [flags]` (what monitoring runs every few minutes)
//   goes straight to its module when its flags are the plain ones;
// - everything else goes through the command table in program.ts.
import { readFileSync } from "node:fs";
import { VERSION } from "../version.ts";
import { parseStatusArgs } from "./status-flags.ts";

function rootHelpText(): string | undefined {
  try {
    return readFileSync(new URL("./root-help.txt", import.meta.url), "utf8");
  } catch {
    return undefined;
  }
}

async function runStatusDirectly(options: NonNullable<ReturnType<typeof parseStatusArgs>>): Promise<number> {
  const [{ processIO }, { reportError }, status] = await Promise.all([
    import("./io.ts"),
    import("./errors.ts"),
    import("./commands/models/status.ts"),
  ]);
  const io = processIO();
  try {
    return await status.run(options, io);
  } catch (error) {
    return reportError(io, error);
  }
}

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
const help = only === "--help" || only === "-h" ? rootHelpText() : undefined;
const statusOptions = args[0] === "models" && args[1] === "status" ? parseStatusArgs(args.slice(2)) : undefined;
if (help !== undefined) {
  process.stdout.write(help);
} else if (only === "--version" || only === "-V") {
  process.stdout.write(`${VERSION}\n`);
} else if (statusOptions) {
  process.exitCode = await runStatusDirectly(statusOptions);
} else {
  const { main } = await import("./program.ts");
  process.exitCode = await main(process.argv);
}
