// Installing the gateway as a service: the same function `openclaw gateway
// install` runs (src/ops/service/), started at once. Its result lines go out
// as they are (they hold no secret). Without a usable service manager (no
// systemd user session, e.g. in a container) the unit file is still written
// and the lines say what to run by hand; that counts as not done.
import { installGatewayService, type CommandRunner } from "../../../ops/service/index.ts";
import { spawnRunner } from "../../../ops/service/runner.ts";
import { findExecutable } from "../../find-executable.ts";
import type { CliIO } from "../../io.ts";

export interface DaemonOutcome {
  ok: boolean;
  lines: string[];
}

/**
 * The service module's runner, except that a program missing from PATH is
 * "not found" at once: Node keeps a spawn's `timeout` timer alive after an
 * ENOENT, which held the process open for 30 s when systemctl is absent.
 */
function runnerFor(env: CliIO["env"]): CommandRunner {
  const spawned = spawnRunner(env);
  return async (program, args) =>
    findExecutable(program, env) ? spawned(program, args) : { code: null, stdout: "", stderr: "", error: `${program} not found` };
}

export async function installDaemon(io: CliIO): Promise<DaemonOutcome> {
  const result = await installGatewayService({ env: io.env, start: true, runner: runnerFor(io.env) });
  return { ok: result.manager === "started", lines: result.lines };
}
