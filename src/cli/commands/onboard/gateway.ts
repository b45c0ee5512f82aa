// Gateway settings onboard can write: `gateway.port` and `gateway.auth.token`
// (DESIGN §4.3). A token is never printed whole.
import { randomBytes } from "node:crypto";
import { maskSecret } from "../../../auth/mask.ts";
import { registerSecret } from "../../../auth/redact.ts";
import type { ConfigDocument } from "../../../state/config.ts";
import { UsageError } from "../../errors.ts";

export function portProblem(raw: string): string | undefined {
  const text = raw.trim();
  const port = Number(text);
  return /^\d+$/.test(text) && Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : "Expected a port number from 1 to 65535";
}

export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const problem = portProblem(raw);
  if (problem) throw new UsageError(`Invalid --gateway-port "${raw}": ${problem}.`);
  return Number(raw.trim());
}

export function tokenProblem(raw: string): string | undefined {
  const text = raw.trim();
  if (text.length < 16) return "A gateway token needs at least 16 characters";
  if (/\s/.test(text)) return "A gateway token cannot contain spaces";
  return undefined;
}

export function parseGatewayToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  registerSecret(raw.trim());
  const problem = tokenProblem(raw);
  if (problem) throw new UsageError(`Invalid --gateway-token: ${problem}.`);
  return raw.trim();
}

export function generateGatewayToken(): string {
  const token = randomBytes(32).toString("base64url");
  registerSecret(token);
  return token;
}

type Json = Record<string, unknown>;
const objectAt = (parent: Json, key: string): Json => {
  const value = parent[key];
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Json;
  const created: Json = {};
  parent[key] = created;
  return created;
};

export function applyGatewaySettings(doc: ConfigDocument, settings: { port?: number; token?: string }): void {
  if (settings.port === undefined && settings.token === undefined) return;
  const gateway = objectAt(doc, "gateway");
  if (settings.port !== undefined) gateway.port = settings.port;
  if (settings.token !== undefined) objectAt(gateway, "auth").token = settings.token;
}

export function describeToken(token: string): string {
  return `${maskSecret(token)} (print it with: TOKEN=$(openclaw gateway token))`;
}
