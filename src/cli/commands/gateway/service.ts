// `openclaw gateway install|uninstall|start|stop|restart|status`: the gateway
// as a systemd user service (Linux) or a LaunchAgent (macOS); the work is in
// ops/service/. OPENCLAW_SERVICE_PLATFORM=systemd|launchd picks the other
// platform's files and commands (tests render and drive both on Linux).
//
// Exit codes: install 0 when started (or written with --no-start), 1 when the
// service manager was unavailable or refused (the file is written and the
// manual commands printed); uninstall 0 unless the manager refused to stop
// it; start/stop/restart 0 on success; status 0 only when the service is
// running and the gateway answers GET /health, else 1.
import {
  controlGatewayService,
  gatewayServiceStatus,
  installGatewayService,
  probeGatewayHealth,
  uninstallGatewayService,
  type ServiceAction,
} from "../../../ops/service/index.ts";
import { loadStateContext } from "../../../state/context.ts";
import { shortenHome } from "../../../state/paths.ts";
import { printLine, type CliIO } from "../../io.ts";
import { DEFAULT_PORT, connectHost, resolveHost, resolvePort } from "./address.ts";

function print(io: CliIO, lines: readonly string[]): void {
  for (const line of lines) printLine(io, line);
}

export async function install(options: { start?: boolean }, io: CliIO): Promise<number> {
  // commander's --no-start sets start: false.
  const result = await installGatewayService({ env: io.env, start: options.start !== false });
  print(io, result.lines);
  return result.manager === "started" || result.manager === "skipped" ? 0 : 1;
}

export async function uninstall(io: CliIO): Promise<number> {
  const result = await uninstallGatewayService({ env: io.env });
  print(io, result.lines);
  return result.manager === "failed" ? 1 : 0;
}

export async function control(action: ServiceAction, io: CliIO): Promise<number> {
  const result = await controlGatewayService(action, { env: io.env });
  print(io, result.lines);
  return result.ok ? 0 : 1;
}

/** The URL a gateway started now would listen on (same sources as `openclaw gateway` and `openclaw chat`). */
async function configuredGatewayUrl(io: CliIO): Promise<{ url: string; note?: string }> {
  try {
    const ctx = await loadStateContext({
      env: io.env,
      cwd: io.cwd,
      shellEnvKeys: { triggerKeys: [], importKeys: [] },
      previousShellEnv: { enabled: false, appliedKeys: [] },
    });
    const host = connectHost(resolveHost(undefined, ctx.config));
    const port = resolvePort(undefined, ctx.env.value("OPENCLAW_GATEWAY_PORT"), ctx.config);
    return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
  } catch (error) {
    return { url: `http://127.0.0.1:${DEFAULT_PORT}`, note: `the config could not be read (${(error as Error).message.split("\n")[0]}), so the default port` };
  }
}

const yesNo = (value: boolean | undefined) => (value === undefined ? "unknown" : value ? "yes" : "no");

export async function status(io: CliIO): Promise<number> {
  const service = await gatewayServiceStatus({ env: io.env });
  const { url, note } = await configuredGatewayUrl(io);
  const health = await probeGatewayHealth(url);
  const display = (path: string) => shortenHome(path, { HOME: io.env.HOME });
  print(io, [
    `Installed: ${service.installed ? `yes (${display(service.path)})` : `no (no ${display(service.path)}; install with: openclaw gateway install)`}`,
    `Enabled:   ${service.enabled === undefined ? service.enabledDetail : `${yesNo(service.enabled)} (${service.enabledDetail})`}`,
    `Running:   ${service.running === undefined ? service.runningDetail : `${yesNo(service.running)} (${service.runningDetail})`}`,
    `Healthy:   ${health.healthy ? "yes" : "no"} (GET ${url}/health: ${health.detail}${note ? `; ${note}` : ""})`,
  ]);
  return service.running === true && health.healthy ? 0 : 1;
}
