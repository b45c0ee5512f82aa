// What one agent can use: its own store, plus the default agent's profiles
// read-through when it is another agent (spec §1.4; OpenClaw 2026.2.26 copied
// the main store into the sub-agent instead, which forked the two). Every
// backend builds its view here, from its own snapshots.
import { hasOwnKey } from "../state/own-keys.ts";
import type { AgentAuthView, StoreSnapshot } from "./backend.ts";
import { mergeStores } from "./store.ts";

export type { AgentAuthView } from "./backend.ts";

export function agentAuthView(
  agentId: string,
  agentDir: string,
  own: StoreSnapshot,
  inherited: StoreSnapshot | undefined,
  locationOf?: (profileId: string) => string,
): AgentAuthView {
  const merged = inherited ? mergeStores(inherited.store, own.store) : own.store;
  const isInherited = (profileId: string) => inherited !== undefined && !hasOwnKey(own.store.profiles, profileId) && hasOwnKey(inherited.store.profiles, profileId);
  return {
    agentId,
    agentDir,
    own,
    inherited,
    merged,
    isInherited,
    locationOf: locationOf ?? ((profileId) => (isInherited(profileId) ? inherited!.path : own.path)),
  };
}
