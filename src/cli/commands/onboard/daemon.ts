// Installing the gateway as a service: the same function `openclaw gateway
// install` runs (src/ops/service/), started at once. Its result lines go out
// as they are (they hold no secret). Without a usable service manager (no
// systemd user session, e.g. in a container) the unit file is still written
// and the lines say what to run by hand; that counts as not done.
import { installGatewayService } from "../../../ops/service/index.ts";
import type { CliIO } from "../../io.ts";

export interface DaemonOutcome {
  ok: boolean;
  lines: string[];
}

export async function installDaemon(io: CliIO): Promise<DaemonOutcome> {
  const result = await installGatewayService({ env: io.env, start: true });
  return { ok: result.manager === "started", lines: result.lines };
}
