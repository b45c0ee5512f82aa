// `openclaw auth-monitor termux-script --host <ssh-host>`: prints a Termux:Widget
// script that checks this gateway host's credentials over SSH from a phone.
import { termuxScript } from "../../../ops/auth-monitor/termux.ts";
import { UsageError } from "../../errors.ts";
import type { CliIO } from "../../io.ts";

export interface TermuxOptions {
  host: string;
  openclaw?: string;
}

export async function run(options: TermuxOptions, io: CliIO): Promise<number> {
  let script: string;
  try {
    script = termuxScript(options.host, options.openclaw);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  io.stdout.write(script);
  return 0;
}
