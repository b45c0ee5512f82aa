// `openclaw auth-monitor uninstall`: stop and disable the timer, remove both
// units and the settings file (it holds the ntfy topic / webhook URL). The
// monitor's state file (when it last notified) is left, like all state.
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { settingsPath } from "../../../ops/auth-monitor/settings.ts";
import { SERVICE_FILE, systemctlUser, TIMER_FILE, userUnitDir } from "../../../ops/auth-monitor/systemd.ts";
import { errnoCode, OpenClawError } from "../../../state/errors.ts";
import { resolveStateDir, shortenHome } from "../../../state/paths.ts";
import { printLine, type CliIO } from "../../io.ts";

async function remove(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw new OpenClawError(`Cannot remove ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function run(_options: object, io: CliIO): Promise<number> {
  const display = (path: string) => shortenHome(path, io.env);
  const disable = await systemctlUser(["disable", "--now", TIMER_FILE], io.env);
  // "not loaded" / "does not exist": nothing to stop, which is what we want.
  const stopped = disable.ok || /not loaded|does not exist|No such file|not found/i.test(disable.detail);
  const unitDir = userUnitDir(io.env);
  for (const path of [join(unitDir, TIMER_FILE), join(unitDir, SERVICE_FILE), settingsPath(resolveStateDir(io.env))]) {
    printLine(io, (await remove(path)) ? `Removed ${display(path)}` : `No ${display(path)}; nothing to remove`);
  }
  if (stopped && !disable.noUserSystemd) {
    await systemctlUser(["daemon-reload"], io.env);
    printLine(io, `Stopped and disabled ${TIMER_FILE}.`);
    return 0;
  }
  throw new OpenClawError(
    disable.noUserSystemd ? `No user systemd here (${disable.detail}), so the timer was not asked to stop.` : `systemctl --user disable --now ${TIMER_FILE} failed: ${disable.detail}`,
    { hint: `Where your user manager runs: systemctl --user disable --now ${TIMER_FILE} && systemctl --user daemon-reload` },
  );
}
