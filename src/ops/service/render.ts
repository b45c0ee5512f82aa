// The service files of `openclaw gateway install` (issue 10), as pure
// functions of where things are, so both are rendered and checked on any OS.
//
// Neither file holds a secret, nor a copy of `.env`: the gateway reads
// `<state dir>/.env` itself at every start, and again whenever it changes,
// through the same resolver as the CLI (state/context.ts). Copying `.env` into
// the service (a plist's EnvironmentVariables, systemd's EnvironmentFile=, a
// wrapper that sources it) turns its values into the process environment,
// which outranks `.env` in the env chain: an edited key would stay shadowed by
// the stale copy until a restart (openclaw/openclaw#53387, #52771, #143609),
// and the service would see what the foreground gateway does not (a `.env`
// OPENCLAW_GATEWAY_TOKEN counts only from the process environment). So the
// service passes only where the state is (OPENCLAW_STATE_DIR and friends,
// when not the default) and starts in the state dir, so that the "./.env"
// of the chain is that same file.

export type ServicePlatform = "systemd" | "launchd";

export const SYSTEMD_UNIT_NAME = "openclaw-gateway.service";
export const LAUNCHD_LABEL = "ai.openclaw.gateway";

/** What a service file needs to know; all paths absolute. */
export interface ServiceSpec {
  /** The node binary that runs the gateway (process.execPath of the installing CLI). */
  nodePath: string;
  /** This installation's `dist/openclaw.cjs`. */
  cliPath: string;
  /** The state dir the gateway will use; also its working directory. */
  stateDir: string;
  /** Non-secret variables that locate the state, only those the user set (OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_HOME). */
  environment: Readonly<Record<string, string>>;
  /** launchd only: where the gateway's output goes. */
  logPath?: string;
}

/** The variables a service may carry: where the state is, nothing else (never a key or token). */
export const PASSTHROUGH_VARIABLES = ["OPENCLAW_HOME", "OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH"] as const;

function refuseControlCharacters(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${what} contains a control character; a service file cannot hold it: ${JSON.stringify(value)}`);
}

/** One systemd word, double-quoted: `\` and `"` escaped, `%` doubled (systemd's specifier character). */
export function systemdQuote(value: string): string {
  refuseControlCharacters(value, "a path or value");
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%")}"`;
}

export function renderSystemdUnit(spec: ServiceSpec): string {
  const lines = [
    "# Written by `openclaw gateway install`; `openclaw gateway uninstall` removes it.",
    "# No secrets here: the gateway reads them itself from the .env file of its state dir",
    "# (its working directory) at every start and whenever it changes.",
    "[Unit]",
    "Description=OpenClaw gateway (local model gateway)",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${[spec.nodePath, spec.cliPath, "gateway"].map(systemdQuote).join(" ")}`,
    `WorkingDirectory=${systemdQuote(spec.stateDir)}`,
    ...Object.entries(spec.environment).map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}`),
    "Restart=on-failure",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ];
  return lines.join("\n");
}

export function xmlEscape(value: string): string {
  refuseControlCharacters(value, "a path or value");
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;");
}

const string = (value: string) => `<string>${xmlEscape(value)}</string>`;

export function renderLaunchdPlist(spec: ServiceSpec): string {
  const environment = Object.entries(spec.environment);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    "<!-- Written by `openclaw gateway install`; `openclaw gateway uninstall` removes it.",
    "     No secrets here: the gateway reads them itself from the .env file of its state dir",
    "     at every start and whenever it changes. -->",
    '<plist version="1.0">',
    "<dict>",
    "  <key>Label</key>",
    `  ${string(LAUNCHD_LABEL)}`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...[spec.nodePath, spec.cliPath, "gateway"].map((arg) => `    ${string(arg)}`),
    "  </array>",
    "  <key>WorkingDirectory</key>",
    `  ${string(spec.stateDir)}`,
    ...(environment.length > 0
      ? ["  <key>EnvironmentVariables</key>", "  <dict>", ...environment.flatMap(([name, value]) => [`    <key>${xmlEscape(name)}</key>`, `    ${string(value)}`]), "  </dict>"]
      : []),
    "  <key>RunAtLoad</key>",
    "  <true/>",
    "  <!-- Restart=on-failure: start again after a crash, not after a clean stop. -->",
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key>",
    "    <false/>",
    "  </dict>",
    "  <key>ThrottleInterval</key>",
    "  <integer>5</integer>",
    ...(spec.logPath ? ["  <key>StandardOutPath</key>", `  ${string(spec.logPath)}`, "  <key>StandardErrorPath</key>", `  ${string(spec.logPath)}`] : []),
    "</dict>",
    "</plist>",
    "",
  ];
  return lines.join("\n");
}
