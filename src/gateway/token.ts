// The gateway's own access token (DESIGN §4.3): `--token`, else
// OPENCLAW_GATEWAY_TOKEN, else `gateway.auth.token`; generated and stored in
// the config on first start when none is set. Compared in constant time.
//
// OPENCLAW_GATEWAY_TOKEN counts only from the process environment, not from
// the rest of the env chain (./.env, ~/.openclaw/.env, the config `env` block,
// the login-shell import): a `.env` in whatever directory the gateway happens
// to be started from must not choose who gets in.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { updateConfigFile } from "../state/config.ts";
import type { StateContext } from "../state/context.ts";
import type { ApiFormat } from "./api-errors.ts";

export interface GatewayToken {
  token: string;
  /** Where it came from, for the start-up message (never the token itself). */
  source: "flag" | "env" | "config" | "generated";
}

export function configuredToken(ctx: StateContext, flag: string | undefined): GatewayToken | undefined {
  if (flag?.trim()) return { token: flag.trim(), source: "flag" };
  const env = ctx.processEnv.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (env) return { token: env, source: "env" };
  const config = ctx.config.gateway?.auth?.token?.trim();
  if (config) return { token: config, source: "config" };
  return undefined;
}

/** Where the token comes from, for people (never the token itself). */
export function describeTokenSource(token: GatewayToken, configDisplay: string): string {
  switch (token.source) {
    case "flag":
      return "the one given with --token";
    case "env":
      return "OPENCLAW_GATEWAY_TOKEN in the environment";
    case "config":
      return `gateway.auth.token in ${configDisplay}`;
    case "generated":
      return `generated and stored as gateway.auth.token in ${configDisplay}`;
  }
}

/** The 401 text; it names the header the caller's API uses first (Anthropic SDKs send x-api-key). */
export function missingTokenMessage(format: ApiFormat): string {
  const bearer = "`Authorization: Bearer <token>`";
  const apiKey = "`x-api-key: <token>`";
  const ways = format === "anthropic" ? `${apiKey} or ${bearer}` : `${bearer} or ${apiKey}`;
  return `Missing or wrong gateway token: send ${ways} (the token is gateway.auth.token in openclaw.json; print it with \`openclaw gateway token\`).`;
}

/** Creates a token and stores it in `gateway.auth.token` (the config is 0600). */
export async function generateAndStoreToken(ctx: StateContext): Promise<GatewayToken> {
  const token = randomBytes(32).toString("base64url");
  await updateConfigFile(ctx, (doc) => {
    const gateway = (doc.gateway ??= {}) as Record<string, unknown>;
    const auth = (gateway.auth ??= {}) as Record<string, unknown>;
    auth.token = token;
  });
  return { token, source: "generated" };
}

/**
 * A checker for one token, constant-time in the presented token's content:
 * the bytes are compared with timingSafeEqual. That needs equal lengths, so a
 * token of another length is refused after the same comparison of the
 * expected token with itself: the work done never depends on where a wrong
 * token differs, nor much on whether its length was right (no hash per
 * request; the length of a generated token is public anyway).
 */
export function tokenChecker(expected: string): (presented: string | undefined) => boolean {
  const expectedBytes = Buffer.from(expected, "utf8");
  return (presented) => {
    if (presented === undefined) return false;
    const bytes = Buffer.from(presented, "utf8");
    const sameLength = bytes.length === expectedBytes.length;
    return timingSafeEqual(sameLength ? bytes : expectedBytes, expectedBytes) && sameLength;
  };
}

/** `Authorization: Bearer <token>`, or `x-api-key: <token>` (what the Anthropic SDKs send). */
export function presentedToken(headers: { authorization?: string | undefined; "x-api-key"?: string | string[] | undefined }): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
  if (bearer) return bearer;
  const apiKey = headers["x-api-key"];
  return typeof apiKey === "string" && apiKey.trim() ? apiKey.trim() : undefined;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
