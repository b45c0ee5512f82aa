// Refreshed OAuth tokens the store could not take yet (issue 12: "a token
// obtained from a successful refresh is never discarded"). When the shared
// state (Redis) goes away between a successful token request and the write of
// its tokens, the provider has already spent the old refresh token: dropping
// the new ones would brick the login. So they are kept here, in this process's
// memory only (DESIGN §4.4: no plaintext copy outside the store), served to
// this process's requests, and written again with backoff until the store
// takes them. One pending write per credential; a newer one replaces it.
// While one is pending, refresh.ts starts no refresh of that credential.
import { redactSecrets } from "../redact.ts";
import type { CredentialBackend } from "../backend.ts";
import type { OAuthCredential } from "../store-schema.ts";
import { isStateUnreachable } from "../state-unreachable.ts";

/** First retry after this long; doubled per failure up to the caps below. */
const FIRST_RETRY_MS = 100;
/** The shared state is away: it comes back without telling us, so look often (each try fails fast). */
const UNREACHABLE_RETRY_MAX_MS = 1_000;
/** Any other failure (a broken store, a closed connection): still retried, less often. */
const OTHER_RETRY_MAX_MS = 10_000;

export interface HeldTokens {
  /** The credential as it will be stored (what this process serves meanwhile). */
  credential: OAuthCredential;
  /**
   * Writes the tokens: true when stored, false when the store holds other tokens by then
   * (someone stored newer ones: ours are dropped, theirs are used). Throws when it could not tell.
   */
  write: (backend: CredentialBackend) => Promise<boolean>;
  /** The backend to write through at each try (a gateway replaces its backend when it reloads). */
  backend: () => CredentialBackend;
  log?: ((line: string) => void) | undefined;
}

interface Entry extends HeldTokens {
  profileId: string;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
  attempt: Promise<boolean> | undefined;
  lastError: string | undefined;
}

const pending = new Map<string, Entry>();

function keyOf(stateDir: string, agentId: string, profileId: string): string {
  return `${stateDir}\0${agentId}\0${profileId}`;
}

/** How many credentials have refreshed tokens waiting to be stored in this process (for /health). */
export function pendingTokenWrites(): number {
  return pending.size;
}

/** The tokens waiting to be stored for this credential of `agentId`'s store, if any. */
export function heldTokens(stateDir: string, agentId: string, profileId: string): OAuthCredential | undefined {
  return pending.get(keyOf(stateDir, agentId, profileId))?.credential;
}

/** Keeps `tokens` until the store takes them, trying at once (after a short delay) and then with backoff. */
export function holdTokens(stateDir: string, agentId: string, profileId: string, tokens: HeldTokens): void {
  const key = keyOf(stateDir, agentId, profileId);
  const previous = pending.get(key);
  if (previous) clearTimeout(previous.timer);
  const entry: Entry = { ...tokens, profileId, delayMs: FIRST_RETRY_MS, timer: undefined, attempt: undefined, lastError: undefined };
  pending.set(key, entry);
  if (!previous) tokens.log?.(`oauth refresh ${profileId}: the new tokens could not be stored yet; serving them from memory and storing them once the store takes them`);
  schedule(key, entry);
}

/**
 * Tries to store the held tokens now (joining a try under way). True once nothing is held
 * for the credential any more (stored, or superseded by newer stored tokens).
 */
export async function storeHeldTokens(stateDir: string, agentId: string, profileId: string): Promise<boolean> {
  const key = keyOf(stateDir, agentId, profileId);
  const entry = pending.get(key);
  if (!entry) return true;
  await attempt(key, entry);
  return pending.get(key) === undefined;
}

function schedule(key: string, entry: Entry): void {
  if (entry.timer || pending.get(key) !== entry) return;
  // unref'd: a gateway runs on anyway; a process that exits loses them (said in docs/scale-out.md §13).
  entry.timer = setTimeout(() => {
    entry.timer = undefined;
    void attempt(key, entry);
  }, entry.delayMs).unref();
}

function attempt(key: string, entry: Entry): Promise<boolean> {
  if (pending.get(key) !== entry) return Promise.resolve(true);
  entry.attempt ??= Promise.resolve()
    .then(() => entry.write(entry.backend()))
    .then(
      (stored) => {
        clearTimeout(entry.timer);
        if (pending.get(key) === entry) pending.delete(key);
        entry.log?.(`oauth refresh ${entry.profileId}: ${stored ? "the new tokens are stored now" : "the new tokens were not stored: the store holds newer ones, which are used"}`);
        return true;
      },
      (error: unknown) => {
        const message = redactSecrets(error instanceof Error ? error.message : String(error));
        const unreachable = isStateUnreachable(error);
        // Said once per kind of failure, and only when it is news (the outage itself was said at hold time).
        if (!unreachable && message !== entry.lastError) entry.log?.(`oauth refresh ${entry.profileId}: storing the new tokens failed, retrying: ${message}`);
        entry.lastError = message;
        entry.delayMs = Math.min(entry.delayMs * 2, unreachable ? UNREACHABLE_RETRY_MAX_MS : OTHER_RETRY_MAX_MS);
        schedule(key, entry);
        return false;
      },
    )
    .finally(() => (entry.attempt = undefined));
  return entry.attempt;
}

/** For tests: forgets every held token without writing it. */
export function clearHeldTokensForTests(): void {
  for (const entry of pending.values()) clearTimeout(entry.timer);
  pending.clear();
}
