// Where the gateway listens: `openclaw gateway` binds there, `openclaw chat` connects there.
import type { OpenClawConfig } from "../../../state/config-schema.ts";
import { UsageError } from "../../errors.ts";

export const DEFAULT_PORT = 18789;

export function resolvePort(flag: string | undefined, env: string | undefined, config: OpenClawConfig): number {
  const raw = flag ?? env?.trim() ?? (config.gateway?.port !== undefined ? String(config.gateway.port) : undefined);
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Invalid gateway port "${raw}".`, "Expected a number from 1 to 65535 (--port, OPENCLAW_GATEWAY_PORT or gateway.port; 0 picks a free port).");
  }
  return port;
}

/** `loopback` (default) and `lan` as in OpenClaw, or an address to listen on. */
export function resolveHost(flag: string | undefined, config: OpenClawConfig): string {
  const bind = (flag ?? config.gateway?.bind ?? "loopback").trim();
  if (bind === "loopback" || bind === "") return "127.0.0.1";
  if (bind === "lan" || bind === "all") return "0.0.0.0";
  return bind;
}

/** The address to connect to for a gateway bound to `host`: loopback when it listens on every interface. */
export function connectHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return host === "::" ? "::1" : "127.0.0.1";
  return host;
}
