// A credential stored under a misspelt provider id (`antrhopic`) is never
// used, and nothing says so until a request fails. Any provider id is allowed
// (the product document: paste-token works for any provider), so only an id
// that is a near miss of a known one is stopped, and `--force` keeps it.
import { PROVIDER_DESCRIPTORS } from "../../../providers/descriptors/index.ts";
import { knownProviderIds } from "../../../providers/registry.ts";
import type { OpenClawConfig } from "../../../state/config-schema.ts";
import { didYouMean, nearMisses } from "../../did-you-mean.ts";
import { UsageError } from "../../errors.ts";

/** Built-in and configured providers, then every provider with a descriptor. */
export function knownProviders(config: OpenClawConfig): Set<string> {
  return new Set([...knownProviderIds(config), ...PROVIDER_DESCRIPTORS.map((descriptor) => descriptor.id)]);
}

/** The known providers `provider` looks like a typo of; empty when it is known or like none. */
export function providerNearMisses(provider: string, config: OpenClawConfig): string[] {
  return nearMisses(provider, knownProviders(config));
}

/** Throws for a near miss unless `force`; `provider` is already normalized. */
export function checkProviderSpelling(provider: string, config: OpenClawConfig, force: boolean | undefined): void {
  if (force) return;
  const suggestions = providerNearMisses(provider, config);
  if (suggestions.length === 0) return;
  throw new UsageError(`Unknown provider "${provider}". ${didYouMean(suggestions)}`, `Use --force to store it for "${provider}" anyway.`);
}
