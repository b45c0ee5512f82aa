// Where shared state lives when several gateway hosts share one set of
// credentials: `OPENCLAW_STATE_URL` (process env, .env files, config `env`), else
// our config key `state.url` (not understood by OpenClaw: docs/scale-out.md).
// `redis://[user:pass@]host:port/db[?prefix=team-a:]`, or `rediss://` for TLS.
// The password is a secret: registered for redaction, and every message shows
// the URL with it masked (`display`).
import { OpenClawError } from "../../state/errors.ts";
import type { StateContext } from "../../state/context.ts";
import { registerSecret } from "../redact.ts";

export const STATE_URL_ENV = "OPENCLAW_STATE_URL";
export const DEFAULT_KEY_PREFIX = "openclaw:";
const DEFAULT_PORT = 6379;
const FORM = "redis://[user:password@]host:port/db[?prefix=name:] (or rediss:// for TLS)";

export interface StateUrl {
  tls: boolean;
  host: string;
  port: number;
  database: number;
  username: string | undefined;
  password: string | undefined;
  /** Put before every key (and the change channel), so teams can share one Redis. */
  prefix: string;
  /** The URL as messages show it: the password masked. */
  display: string;
  /** `display` without the query: the server and database. */
  displayServer: string;
  /** Names one connection (secret included; never shown). */
  identity: string;
}

/** The state URL of this context, or undefined when state is local (files or 2026.9's SQLite). */
export function stateUrlOf(ctx: Pick<StateContext, "env" | "config">): StateUrl | undefined {
  const fromEnv = ctx.env.value(STATE_URL_ENV)?.trim();
  if (fromEnv) return parseStateUrl(fromEnv, STATE_URL_ENV);
  const configured = ctx.config.state?.url?.trim();
  if (configured) return parseStateUrl(configured, "config state.url");
  return undefined;
}

function invalid(source: string, why: string): OpenClawError {
  // Never the text itself: it may hold the password.
  return new OpenClawError(`${source} is not a usable Redis URL: ${why}.`, { hint: `Use ${FORM}.` });
}

function decodeOrThrow(text: string, source: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(source, `the ${what} is not valid percent-encoding`);
  }
}

export function parseStateUrl(text: string, source = STATE_URL_ENV): StateUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(source, "it does not parse as a URL");
  }
  // Registered as written too: a password that does not decode is still never shown.
  registerSecret(url.password || undefined);
  const password = url.password ? decodeOrThrow(url.password, source, "password") : undefined;
  registerSecret(password);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw invalid(source, `the scheme is ${JSON.stringify(url.protocol.slice(0, 20))}, not redis: or rediss:`);
  if (!url.hostname) throw invalid(source, "it names no host");
  const port = url.port ? Number(url.port) : DEFAULT_PORT;
  const dbText = url.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d{1,5}$/.test(dbText)) throw invalid(source, `the database "${dbText.slice(0, 20)}" is not a number`);
  const prefix = url.searchParams.get("prefix") ?? DEFAULT_KEY_PREFIX;
  // Braces would change which slot a Redis Cluster puts a store's keys in (redis/keys.ts).
  if (prefix === "" || /[{}\s]/.test(prefix)) throw invalid(source, "the prefix must be non-empty, without braces or spaces");
  const username = url.username ? decodeOrThrow(url.username, source, "user name") : undefined;
  const auth = username || password ? `${url.username}${password ? ":****" : ""}@` : "";
  const database = dbText === "" ? 0 : Number(dbText);
  const query = url.searchParams.has("prefix") ? `?prefix=${encodeURIComponent(prefix).replace(/%3A/gi, ":")}` : "";
  const hostPort = `${url.hostname}:${port}`;
  const displayServer = `${url.protocol}//${auth}${hostPort}/${database}`;
  return {
    tls: url.protocol === "rediss:",
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    database,
    username,
    password,
    prefix,
    display: `${displayServer}${query}`,
    displayServer,
    identity: `${url.protocol}//${url.username}:${url.password}@${hostPort}/${database}`,
  };
}
