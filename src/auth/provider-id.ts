// Provider ids as OpenClaw spells them (spec §1.3 normalizeProviderId); the
// other spellings are the descriptors' `aliases`.
import { PROVIDER_DESCRIPTORS } from "../providers/descriptors/index.ts";
import { lookupTable } from "../state/own-keys.ts";

// Null-prototype: "constructor" or "__proto__" is a provider id like any other, not an alias.
const PROVIDER_ALIASES = lookupTable<Record<string, string>>(
  Object.fromEntries(PROVIDER_DESCRIPTORS.flatMap((descriptor) => descriptor.aliases.map((alias) => [alias, descriptor.id]))),
);

export function normalizeProviderId(provider: string): string {
  const id = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[id] ?? id;
}

/** A profile id is `<provider>:<name>`; the provider part is what the id claims. */
export function providerOfProfileId(profileId: string): string | undefined {
  const colon = profileId.indexOf(":");
  return colon > 0 ? normalizeProviderId(profileId.slice(0, colon)) : undefined;
}
