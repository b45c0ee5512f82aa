// Installing the gateway as a service. `openclaw gateway install` is being
// written on another branch; until it is merged this says so plainly instead
// of pretending to install anything.
import { OpenClawError } from "../../../state/errors.ts";

export const DAEMON_UNAVAILABLE = "Installing the gateway service is not available yet: `openclaw gateway install` is not part of this build.";
export const DAEMON_HINT = "Run the gateway in the foreground with `openclaw gateway` (or under your own service manager).";

export function daemonUnavailable(): OpenClawError {
  return new OpenClawError(`--install-daemon: ${DAEMON_UNAVAILABLE}`, { hint: `Nothing was changed. Re-run without --install-daemon; ${DAEMON_HINT[0]!.toLowerCase()}${DAEMON_HINT.slice(1)}` });
}
