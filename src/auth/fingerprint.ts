// Which credential a usage record is about. Usage (cooldowns, last used) is
// recorded per profile id, but a profile can be replaced by a new secret
// between a request and the write of its usage: the fingerprint lets that
// write see it is about a credential that is no longer there.
import { createHash } from "node:crypto";
import type { Credential } from "./store-schema.ts";

const memo = new WeakMap<Credential, string>();

/** The secret material of a credential (values or references), never the secret itself in the output. */
function identity(credential: Credential): unknown[] {
  switch (credential.type) {
    case "api_key":
      return [credential.type, credential.provider, credential.key ?? null, credential.keyRef ?? null];
    case "token":
      return [credential.type, credential.provider, credential.token ?? null, credential.tokenRef ?? null];
    case "oauth":
      // A refresh rotates both tokens; the account they belong to stays, and so does usage recorded
      // for it (the gateway records against the refreshed credential's fingerprint in any case).
      return [credential.type, credential.provider, credential.accountId ?? credential.email ?? credential.refresh ?? credential.access ?? null];
  }
}

/** A short one-way digest: equal for the same stored credential, different once it is replaced. */
export function credentialFingerprint(credential: Credential): string {
  const known = memo.get(credential);
  if (known !== undefined) return known;
  const digest = createHash("sha256").update(JSON.stringify(identity(credential))).digest("base64url").slice(0, 22);
  memo.set(credential, digest);
  return digest;
}
