// What one agent can use: its own store, plus the default agent's profiles
// read-through when it is another agent (spec §1.4; OpenClaw 2026.2.26 copied
// the main store into the sub-agent instead, which forked the two).
import { hasOwnKey } from "../state/own-keys.ts";
import type { CredentialBackend, StoreSnapshot } from "./backend.ts";
import { mergeStores } from "./store.ts";
import type { AuthStore } from "./store-schema.ts";

export interface AgentAuthView {
  agentDir: string;
  own: StoreSnapshot;
  /** The default agent's store, when this agent is another one. */
  inherited: StoreSnapshot | undefined;
  merged: AuthStore;
  /** True when the profile comes from the default agent's store, not this agent's. */
  isInherited(profileId: string): boolean;
}

export async function loadAgentAuthView(backend: CredentialBackend, agentDir: string, primaryDir: string): Promise<AgentAuthView> {
  const isPrimary = agentDir === primaryDir;
  const [own, inherited] = await Promise.all([backend.read(agentDir), isPrimary ? undefined : backend.read(primaryDir)]);
  const merged = inherited ? mergeStores(inherited.store, own.store) : own.store;
  return {
    agentDir,
    own,
    inherited,
    merged,
    isInherited: (profileId) => inherited !== undefined && !hasOwnKey(own.store.profiles, profileId) && hasOwnKey(inherited.store.profiles, profileId),
  };
}
