// One OAuth refresh per credential at a time, across every process on the host
// (DESIGN §4.4; peers-and-user-pain §3.1: refresh_token_reused storms and
// bricked token families come from two refreshes with the same refresh token).
//
// - In this process, callers of the same credential share one promise.
// - Across processes, the backend's refresh lock (refresh-lock.ts): on one host a
//   file lock at `<state>/locks/oauth-refresh/<sha256(provider\0profileId)>`
//   (withFileLock adds `.lock`), with Redis a lease in Redis (redis/refresh-lease.ts);
//   inside it the store is read again and a token another process (or host)
//   already obtained is adopted instead of refreshing.
// - A successful refresh is always written: a rotated refresh token is valid once.
//   If the lock was lost meanwhile, it is written unless the store holds another
//   refresh token by then (someone else's newer one).
// - invalid_grant / refresh_token_reused: adopt a newer token from the store if
//   there is one, else the profile is disabled (`auth_permanent`) and the error
//   names the re-login command. Anything else is transient: nothing is written.
// - The store unreachable when the new tokens are written (Redis went away
//   after the token request): they are held in memory and written later
//   (pending-tokens.ts), served meanwhile; no refresh of that credential starts
//   in this process until they are stored.
//
// The token request itself is injected (`refresh`): the protocol engine lives in src/oauth/.
import { resolve as resolvePath } from "node:path";
import { OpenClawError } from "../../state/errors.ts";
import type { CredentialBackend } from "../backend.ts";
import { recordFailure, type CooldownConfig } from "../cooldown.ts";
import { redactSecrets, registerSecret } from "../redact.ts";
import type { OAuthCredential } from "../store-schema.ts";
import { heldTokens, storeHeldTokens } from "./pending-tokens.ts";
import { holdUnstored, oauthProfile, persist, type HeldWrite, type NewTokens } from "./persist-tokens.ts";
import { fileRefreshLock, type RefreshLease, type RefreshLock } from "./refresh-lock.ts";

export type { NewTokens } from "./persist-tokens.ts";
export { refreshLockPath } from "./refresh-lock.ts";

/** Refresh when the access token has this little left (or less). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** The token request's default time limit: well under the lock's staleness, so a live holder never looks dead. */
export const DEFAULT_REFRESH_TIMEOUT_MS = 8_000;
/** After a timeout, how long the aborted request may still take to settle while the lock is kept. */
const ABORT_GRACE_MS = 1_000;

/** The token request, given the credential as stored (its `refresh` is what to send). Should honour `signal`. */
export type RefreshCall = (credential: Readonly<OAuthCredential>, signal: AbortSignal) => Promise<NewTokens>;

/** OAuth error codes that mean "this refresh token will never work again". */
export const PERMANENT_REFRESH_ERRORS: ReadonlySet<string> = new Set(["invalid_grant", "refresh_token_reused"]);

export interface RefreshOptions {
  backend: CredentialBackend;
  /** The agent asking; its view decides which store holds the profile. */
  agentId: string;
  /** The default agent, needed only when `agentId` reads this profile through from the default agent's store. */
  defaultAgentId?: string;
  profileId: string;
  stateDir: string;
  refresh: RefreshCall;
  now?: () => number;
  /** Refresh whatever the stored expiry says (an upstream answered 401). */
  force?: boolean;
  /** With `force`: the access token the upstream rejected. If the store already holds another, that one is used. */
  rejectedAccess?: string;
  timeoutMs?: number;
  cooldowns?: CooldownConfig;
  /** The cross-process exclusion; by default the backend's (`refreshLock`), else the file lock under `stateDir`. */
  lock?: RefreshLock;
  /** Where tokens the store could not take yet are written later (a gateway replaces its backend on reload); default `backend`. */
  currentBackend?: () => CredentialBackend;
  /** Told (one line, no token) when new tokens wait in memory for the store, and when they land. */
  log?: (line: string) => void;
}

export type RefreshOutcome =
  /** The stored token was not due: nothing was done. */
  | "fresh"
  /** This call (or one it joined in this process) refreshed it. */
  | "refreshed"
  /** Another process had already refreshed it (or re-logged in): its token was used. */
  | "adopted";

export interface RefreshResult {
  outcome: RefreshOutcome;
  access: string;
  expires: number | undefined;
  credential: OAuthCredential;
  /** The tokens are not in the store yet (it was unreachable): this process holds them until it can write them. */
  unsaved?: true;
}

/** The refresh token was refused for good: the user has to log in again (the profile is disabled, `auth_permanent`). */
export class OAuthReloginRequiredError extends OpenClawError {
  readonly profileId: string;
  readonly provider: string;
  /** The exact command that fixes it. */
  readonly command: string;
  readonly oauthError: string;
  constructor(profileId: string, provider: string, oauthError: string) {
    // `openclaw models auth login` is not implemented yet (issue 11, a later piece); this is the command it will be.
    const command = `openclaw models auth login --provider ${provider}`;
    super(`OAuth login for ${profileId} is no longer valid (${oauthError}). Log in again: ${command}`, { hint: command });
    this.name = "OAuthReloginRequiredError";
    this.profileId = profileId;
    this.provider = provider;
    this.command = command;
    this.oauthError = oauthError;
  }
}

/** A refresh that failed for now (network, timeout, server error, lock busy): nothing was stored or marked; retry later. */
export class OAuthRefreshTransientError extends OpenClawError {
  readonly profileId: string;
  /** What was out of reach: the provider's token endpoint, or the store and its lock (a shared state that is down). */
  readonly failedAt: "token-endpoint" | "store";
  constructor(profileId: string, detail: string, failedAt: "token-endpoint" | "store" = "token-endpoint") {
    super(`OAuth refresh for ${profileId} failed for now: ${redactSecrets(detail)}`, { hint: "Retry shortly; nothing was changed." });
    this.name = "OAuthRefreshTransientError";
    this.profileId = profileId;
    this.failedAt = failedAt;
  }
}

/** The profile is missing or not an OAuth credential with a refresh token. */
export class OAuthRefreshUnavailableError extends OpenClawError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = "OAuthRefreshUnavailableError";
  }
}

/** Refreshes in flight in this process, by state dir, provider and profile. */
const inFlight = new Map<string, Promise<RefreshResult>>();

export function isRefreshDue(credential: Pick<OAuthCredential, "expires">, now: number): boolean {
  // No expiry recorded: nothing says it is still good, so a refresh is due.
  return typeof credential.expires !== "number" || !Number.isFinite(credential.expires) || credential.expires - now <= REFRESH_MARGIN_MS;
}

/** The OAuth `error` code of a failed token request, from `code`, `oauthError` or `error` on the thrown value. */
export function oauthErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  for (const key of ["oauthError", "code", "error"] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === "string" && PERMANENT_REFRESH_ERRORS.has(value)) return value;
  }
  return undefined;
}

function register(credential: OAuthCredential | NewTokens): void {
  registerSecret(credential.access);
  registerSecret(credential.refresh);
}


function sameAccount(a: OAuthCredential, b: OAuthCredential): boolean {
  if (a.provider !== b.provider) return false;
  if (a.accountId && b.accountId) return a.accountId === b.accountId;
  if (a.email && b.email) return a.email.toLowerCase() === b.email.toLowerCase();
  return true;
}

function result(outcome: RefreshOutcome, credential: OAuthCredential): RefreshResult {
  return { outcome, access: credential.access ?? "", expires: credential.expires, credential };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The credential's access token, refreshed first when due (or forced), with
 * exactly one token request per credential at a time on this host.
 */
export async function refreshCredential(options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? Date.now;
  const stateDir = resolvePath(options.stateDir);
  const readView = () =>
    options.backend.read(options.agentId).catch((error: unknown) => {
      // The shared store is out of reach: no refresh without it (and its lease), but nothing is wrong with the login.
      // By name: the Redis backend is a lazy bundle with its own copy of the error classes.
      if (error instanceof Error && TRANSIENT_NAMES.has(error.name)) throw new OAuthRefreshTransientError(options.profileId, error.message, "store");
      throw error;
    });
  let view;
  try {
    view = await readView();
  } catch (error) {
    if (!(error instanceof OAuthRefreshTransientError)) throw error;
    // The store is away: a refresh of this credential already under way here (it may hold its tokens
    // in memory), or tokens this process obtained and could not store yet, still answer.
    const running = runningRefresh(stateDir, options.profileId);
    if (running) return running;
    const held = heldTokens(stateDir, options.agentId, options.profileId) ?? (options.defaultAgentId !== undefined ? heldTokens(stateDir, options.defaultAgentId, options.profileId) : undefined);
    if (held) return servedHeld(options, held, now(), error);
    throw error;
  }
  let ownerAgentId = options.agentId;
  if (view.isInherited(options.profileId)) {
    if (options.defaultAgentId === undefined) {
      throw new OAuthRefreshUnavailableError(`${options.profileId} is the default agent's profile; refresh it through the default agent.`);
    }
    ownerAgentId = options.defaultAgentId;
  }
  const held = heldTokens(stateDir, ownerAgentId, options.profileId);
  if (held) {
    // The store answers again: our tokens go in first (or yield to newer ones), then the usual rules, on what it holds.
    if (!(await storeHeldTokens(stateDir, ownerAgentId, options.profileId))) {
      return servedHeld(options, held, now(), new OAuthRefreshTransientError(options.profileId, "the refreshed tokens could not be stored yet", "store"));
    }
    view = await readView();
  }
  const seen = oauthProfile(view.merged, options.profileId);
  if (!seen) throw new OAuthRefreshUnavailableError(`No OAuth profile ${options.profileId} for agent ${options.agentId}.`);
  register(seen);
  if (!options.force && !isRefreshDue(seen, now()) && seen.access) return result("fresh", seen);
  if (options.force && options.rejectedAccess !== undefined && seen.access && seen.access !== options.rejectedAccess && !isRefreshDue(seen, now())) {
    return result("adopted", seen);
  }
  const key = `${stateDir}\0${seen.provider}\0${options.profileId}`;
  const running = inFlight.get(key);
  if (running) return running;
  const started = refreshUnderLock({ ...options, now }, ownerAgentId, seen).finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

type Resolved = RefreshOptions & { now: () => number };

function heldWrite(options: Resolved, ownerAgentId: string): HeldWrite {
  return { stateDir: resolvePath(options.stateDir), agentId: ownerAgentId, profileId: options.profileId, backend: options.currentBackend ?? (() => options.backend), log: options.log };
}

/** The refresh of this profile under way in this process, whatever its provider (the store that says which could not be read). */
function runningRefresh(stateDir: string, profileId: string): Promise<RefreshResult> | undefined {
  for (const [key, running] of inFlight) if (key.startsWith(`${stateDir}\0`) && key.endsWith(`\0${profileId}`)) return running;
  return undefined;
}

/**
 * Tokens held in memory (not stored yet) as this call's answer, while they are good: never a
 * refresh from them (their refresh token goes out only after they are stored, under the lock).
 * Expired, or rejected by the upstream: `unusable` (transient), until the store takes them.
 */
function servedHeld(options: RefreshOptions, held: OAuthCredential, now: number, unusable: OAuthRefreshTransientError): RefreshResult {
  const expired = typeof held.expires === "number" && held.expires <= now;
  if (!held.access || expired || (options.force === true && options.rejectedAccess === held.access)) throw unusable;
  return { ...result("fresh", held), unsaved: true };
}

/** Failures that mean "not now" (the exclusion, or the store behind it, was out of reach), never "log in again". */
const TRANSIENT_NAMES = new Set(["FileLockBusyError", "RefreshLockUnavailableError", "StateUnreachableError"]);

function exclusionOf(options: Resolved, provider: string): RefreshLock {
  return options.lock ?? options.backend.refreshLock?.(provider, options.profileId) ?? fileRefreshLock(options.stateDir, provider, options.profileId);
}

/** How often a process waiting for another's refresh looks at the store for the token it will write. */
const WAIT_POLL_MS = 25;

/** Whether `current` is a token someone else obtained since we saw `seen`, good to use now. */
function adoptable(options: Resolved, seen: OAuthCredential, current: OAuthCredential): boolean {
  const changed = current.access !== seen.access || current.expires !== seen.expires;
  return changed && Boolean(current.access) && (options.force === true || !isRefreshDue(current, options.now()));
}

/**
 * While waiting for the lock, the token the holder stores is used as soon as it is there: the
 * waiter does not queue behind the holder's release and the other waiters' turns. Resolves
 * undefined once `stop` is aborted (the lock was had, or failed).
 */
async function adoptWhenStored(options: Resolved, ownerAgentId: string, seen: OAuthCredential, stop: AbortSignal): Promise<RefreshResult | undefined> {
  while (!stop.aborted) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    if (stop.aborted) return undefined;
    const current = await options.backend.read(ownerAgentId).then((view) => oauthProfile(view.own.store, options.profileId), () => undefined);
    if (stop.aborted) return undefined;
    if (current && adoptable(options, seen, current)) {
      register(current);
      return result("adopted", current);
    }
  }
  return undefined;
}

async function refreshUnderLock(options: Resolved, ownerAgentId: string, seen: OAuthCredential): Promise<RefreshResult> {
  const { backend, profileId, now } = options;
  const stop = new AbortController();
  try {
    const lock = exclusionOf(options, seen.provider);
    // The token request ends (abort grace included) a second before a silent holder's lock could be taken over.
    const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS, lock.leaseMs - 1_000 - ABORT_GRACE_MS);
    const locked = lock.withLock(async (lease) => {
      // Adopted while waiting: only let go (the file lock cannot stop waiting, so it gets here).
      if (stop.signal.aborted) return undefined;
      stop.abort();
      const current = oauthProfile((await backend.read(ownerAgentId)).own.store, profileId);
      if (!current) throw new OAuthRefreshUnavailableError(`OAuth profile ${profileId} was removed.`);
      register(current);
      // Another process refreshed (or the user logged in again) since we looked: use its token.
      if (adoptable(options, seen, current)) return result("adopted", current);
      if (!options.force && !isRefreshDue(current, now()) && current.access) return result("fresh", current);
      if (!current.refresh) {
        throw new OAuthRefreshUnavailableError(`OAuth profile ${profileId} has no refresh token.`, `openclaw models auth login --provider ${current.provider}`);
      }
      return await callAndStore(options, ownerAgentId, current, timeoutMs, lease);
    }, stop.signal);
    const early = await Promise.race([adoptWhenStored(options, ownerAgentId, seen, stop.signal), locked.then(() => undefined, () => undefined)]);
    if (early) {
      stop.abort();
      locked.catch(() => undefined); // it only lets go of the lock now
      return early;
    }
    return (await locked)!;
  } catch (error) {
    if (error instanceof OpenClawError && !TRANSIENT_NAMES.has(error.name)) throw error;
    throw new OAuthRefreshTransientError(profileId, message(error), error instanceof Error && TRANSIENT_NAMES.has(error.name) ? "store" : "token-endpoint");
  } finally {
    stop.abort();
  }
}

/**
 * After a refused refresh token: the tokens someone else obtained with it, once stored. Another
 * host may hold them in memory, waiting for Redis to take them (pending-tokens.ts, retried within
 * a second), or a refresh on this host that timed out (and let go of the lock) may still get its
 * late answer stored: the store is watched for a little while before the login is declared dead.
 */
async function rotatedElsewhere(options: Resolved, ownerAgentId: string, current: OAuthCredential): Promise<OAuthCredential | undefined> {
  const deadline = Date.now() + HELD_WRITE_GRACE_MS;
  for (;;) {
    const again = oauthProfile((await options.backend.read(ownerAgentId)).own.store, options.profileId);
    if (again && again.access && again.refresh !== current.refresh && sameAccount(again, current) && (again.expires ?? 0) > options.now()) return again;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How long a refused refresh waits for tokens someone else holds (another host's, or a late answer) to be stored. */
const HELD_WRITE_GRACE_MS = 2_500;

async function callAndStore(options: Resolved, ownerAgentId: string, current: OAuthCredential, timeoutMs: number, lease: RefreshLease): Promise<RefreshResult> {
  const { backend, profileId, now } = options;
  const controller = new AbortController();
  const call = Promise.resolve().then(() => options.refresh(current, controller.signal));
  // Whatever happens to this function, a token that comes back is kept.
  const settled = call.then(
    (tokens) => ({ ok: true as const, tokens }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  let outcome = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ABORT_GRACE_MS);
    });
    outcome = await Promise.race([settled, grace]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      // Not settled even after abort: keep its tokens if they ever come, unless a newer token is stored by then.
      void settled.then(async (late) => {
        if (!late.ok) return;
        register(late.tokens);
        // Any failure to store them (Redis away, a full disk, a busy lock): held and retried, never dropped.
        await persist(backend, ownerAgentId, profileId, current, late.tokens, true).catch(() => {
          holdUnstored(heldWrite(options, ownerAgentId), current, late.tokens);
        });
      });
      throw new OAuthRefreshTransientError(profileId, `the token request timed out after ${timeoutMs} ms`);
    }
  }
  if (outcome.ok) {
    register(outcome.tokens);
    // Still ours: nobody else can have refreshed, write. Lost (expired under a stalled holder):
    // write unless the store holds another refresh token by then, whose holder refreshed after us.
    const held = await lease.stillHeld();
    let stored: OAuthCredential | undefined;
    try {
      stored = await persist(backend, ownerAgentId, profileId, current, outcome.tokens, !held);
    } catch {
      // Never dropped, whatever the store said (unreachable, read-only, full, lock busy): the old
      // refresh token is spent. Served from memory until the store takes them (pending-tokens.ts).
      return { ...result("refreshed", holdUnstored(heldWrite(options, ownerAgentId), current, outcome.tokens)), unsaved: true };
    }
    if (stored) return result("refreshed", stored);
    const newer = oauthProfile((await backend.read(ownerAgentId)).own.store, profileId);
    if (!newer?.access) throw new OAuthRefreshTransientError(profileId, "the refresh lock was lost and the stored login changed meanwhile", "store");
    register(newer);
    return result("adopted", newer);
  }
  const code = oauthErrorCode(outcome.error);
  if (code === undefined) {
    throw new OAuthRefreshTransientError(profileId, controller.signal.aborted ? `the token request timed out after ${timeoutMs} ms` : message(outcome.error));
  }
  // Refused for good, unless someone else rotated it meanwhile (their token is the one to use).
  const again = await rotatedElsewhere(options, ownerAgentId, current);
  if (again) {
    register(again);
    return result("adopted", again);
  }
  await backend.update(ownerAgentId, (store) => {
    recordFailure(store, { profileId, provider: current.provider, reason: "auth_permanent", now: now(), ...(options.cooldowns ? { cooldowns: options.cooldowns } : {}) });
  });
  throw new OAuthReloginRequiredError(profileId, current.provider, code);
}
