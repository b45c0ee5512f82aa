// Writing the tokens a refresh obtained into their profile (refresh.ts), and
// holding them in memory when the store cannot take them now (pending-tokens.ts).
import type { CredentialBackend } from "../backend.ts";
import type { AuthStore, OAuthCredential } from "../store-schema.ts";
import { ownValue } from "../../state/own-keys.ts";
import { holdTokens } from "./pending-tokens.ts";

/** What the token endpoint gave back. Fields left out keep their stored value (a provider that does not rotate omits `refresh`). */
export interface NewTokens {
  access: string;
  refresh?: string;
  /** Absolute expiry, ms since the epoch. */
  expires: number;
  email?: string;
  accountId?: string;
  /** Other provider fields to store on the credential (projectId, …). */
  extra?: Record<string, unknown>;
}

/** Where held tokens go once the store answers (the owner agent's store), and who is told. */
export interface HeldWrite {
  stateDir: string;
  agentId: string;
  profileId: string;
  backend: () => CredentialBackend;
  log: ((line: string) => void) | undefined;
}

export function oauthProfile(store: AuthStore, profileId: string): OAuthCredential | undefined {
  const credential = ownValue(store.profiles, profileId);
  return credential?.type === "oauth" ? credential : undefined;
}

/** `base` with the new tokens, keeping every field they do not mention. */
function withTokens(base: OAuthCredential, tokens: NewTokens): OAuthCredential {
  return {
    ...base,
    ...tokens.extra,
    type: "oauth",
    provider: base.provider,
    access: tokens.access,
    refresh: tokens.refresh ?? base.refresh,
    expires: tokens.expires,
    ...(tokens.email !== undefined ? { email: tokens.email } : {}),
    ...(tokens.accountId !== undefined ? { accountId: tokens.accountId } : {}),
  };
}

/** Writes the new tokens into that one profile, keeping every field they do not mention. */
export async function persist(backend: CredentialBackend, agentId: string, profileId: string, sent: OAuthCredential, tokens: NewTokens, onlyIfUnchanged: boolean): Promise<OAuthCredential | undefined> {
  return backend.update(agentId, (store) => {
    const stored = oauthProfile(store, profileId);
    // Late results (after a timeout) must not overwrite a token obtained after ours.
    if (onlyIfUnchanged && stored && stored.refresh !== sent.refresh) return undefined;
    const next = withTokens(stored ?? sent, tokens);
    store.profiles[profileId] = next;
    return next;
  });
}

/**
 * The store could not be reached to write tokens the provider just issued (its old refresh
 * token is spent): hold them in memory and write them once it is back, with today's rule for a
 * write without the lock: only if the store still holds the refresh token we sent.
 */
export function holdUnstored(where: HeldWrite, sent: OAuthCredential, tokens: NewTokens): OAuthCredential {
  const credential = withTokens(sent, tokens);
  holdTokens(where.stateDir, where.agentId, where.profileId, {
    credential,
    write: async (backend) => (await persist(backend, where.agentId, where.profileId, sent, tokens, true)) !== undefined,
    backend: where.backend,
    log: where.log,
  });
  return credential;
}
