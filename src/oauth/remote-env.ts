// Is the browser that will finish a login on another machine? (spec §3.5,
// OpenClaw's `isRemoteEnvironment`.) Then a login prints the URL for the
// user's LOCAL browser and asks for the redirect URL to be pasted back,
// because the loopback callback on this host is out of that browser's reach.
import { release } from "node:os";

export interface RemoteEnvProbe {
  platform?: NodeJS.Platform;
  /** `os.release()`: WSL kernels say "microsoft" there. */
  osRelease?: string;
}

const REMOTE_MARKERS = ["SSH_CLIENT", "SSH_TTY", "SSH_CONNECTION", "REMOTE_CONTAINERS", "CODESPACES"] as const;

export function isRemoteEnvironment(env: Readonly<Record<string, string | undefined>>, probe: RemoteEnvProbe = {}): boolean {
  if (REMOTE_MARKERS.some((name) => Boolean(env[name]))) return true;
  const platform = probe.platform ?? process.platform;
  if (platform !== "linux") return false;
  if (env["DISPLAY"] || env["WAYLAND_DISPLAY"]) return false;
  // WSL opens the Windows browser without a display of its own.
  return !isWsl(env, probe.osRelease ?? release());
}

function isWsl(env: Readonly<Record<string, string | undefined>>, osRelease: string): boolean {
  return Boolean(env["WSL_DISTRO_NAME"] || env["WSL_INTEROP"]) || /microsoft/i.test(osRelease);
}
