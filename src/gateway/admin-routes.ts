// The Control UI's actions (issue 9), after the token check: the effective credential order per
// provider (GET /api/order), setting or clearing the stored order override (POST /api/order,
// as `openclaw models auth order set|clear`), and clearing a profile's cooldown
// (POST /api/cooldowns/clear). JSON in and out; bad input is a 400 saying what is wrong, never
// a 5xx. Every write goes through the credential backend (locked, atomic, either era), by way of
// the live state, which serves the result to the very next request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CredentialBackend } from "../auth/backend.ts";
import { clearProfileWindows } from "../auth/cooldown.ts";
import { normalizeProviderId } from "../auth/provider-id.ts";
import { resolveProfileOrder } from "../auth/profile-order.ts";
import { mergeStores } from "../auth/store.ts";
import type { AuthStore } from "../auth/store-schema.ts";
import { OpenClawError } from "../state/errors.ts";
import { FileLockBusyError } from "../state/file-lock.ts";
import { hiddenCharactersProblem } from "../state/hidden-characters.ts";
import { ownValue } from "../state/own-keys.ts";
import { sendApiError, sendJson } from "./api-errors.ts";
import type { DispatchOutcome } from "./exchange.ts";
import type { GatewaySnapshot, LiveState } from "./live-state.ts";
import { readJsonBody } from "./request-body.ts";
import { resolveModelSettings } from "../providers/model-ref.ts";

export const ADMIN_PATHS = ["/api/order", "/api/cooldowns/clear"] as const;

/** Bodies here are a provider and a few ids: far below the model routes' limit. */
const ADMIN_BODY_LIMIT = 64 * 1024;
const MAX_ID_LENGTH = 200;

/** Input the action refuses; the message goes to the client as a 400. */
class BadInput extends Error {}

/** How one provider's profiles are tried now, and what the order override says. */
export interface ProviderOrder {
  provider: string;
  /** The stored override (`models auth order set`), or null. */
  override: string[] | null;
  /** The agent whose store holds the override, when it is read through from the default agent. */
  overrideFrom?: string;
  /** Where the base order comes from: the stored override, `auth.order` in the config, or round-robin (type, then least recently used). */
  source: "override" | "config" | "round-robin";
  /** The list a reorder starts from: the override, else the config's order, else `effective`. */
  order: string[];
  /** The model `effective` is for: the default model, for its provider (a rate limit may hold for one model only). */
  model?: string;
  /** Every usable profile in the order the gateway tries them now (cooling ones last, soonest first). */
  effective: string[];
  /** The profile the next request for this provider goes to, if any is usable now. */
  next: string | null;
  /** The provider's profiles that are not in `effective` (not in the explicit order, no usable secret, or a mismatching config entry). */
  unused: string[];
}

function providerKey(record: Record<string, unknown> | undefined, provider: string): string | undefined {
  return Object.keys(record ?? {}).find((key) => normalizeProviderId(key) === provider);
}

function withoutProvider(store: AuthStore, provider: string): boolean {
  let changed = false;
  for (const key of Object.keys(store.order ?? {})) {
    if (normalizeProviderId(key) === provider) {
      delete store.order![key];
      changed = true;
    }
  }
  if (store.order && Object.keys(store.order).length === 0) delete store.order;
  return changed;
}

/** The order of every provider that has profiles, as the gateway would use it now. */
export function providerOrders(snapshot: GatewaySnapshot, now: number): ProviderOrder[] {
  const { view, ctx } = snapshot;
  const store = view.merged;
  const primary = resolveModelSettings(ctx.config, snapshot.agent.entry).primary;
  const providers = [...new Set(Object.values(store.profiles).map((credential) => normalizeProviderId(credential.provider)))].sort();
  return providers.map((provider) => {
    const ownKey = providerKey(view.own.store.order, provider);
    const inheritedKey = view.inherited ? providerKey(view.inherited.store.order, provider) : undefined;
    const override = ownKey !== undefined ? view.own.store.order![ownKey]! : inheritedKey !== undefined ? view.inherited!.store.order![inheritedKey]! : null;
    const configKey = providerKey(ctx.config.auth?.order, provider);
    const configOrder = configKey !== undefined ? ctx.config.auth!.order![configKey]! : null;
    const model = primary.provider === provider ? primary.model : undefined;
    const { ordered, coolingDown } = resolveProfileOrder({ config: ctx.config, store, provider, now, ...(model !== undefined ? { model } : {}) });
    const cooling = new Set(coolingDown.map((entry) => entry.profileId));
    const exists = (id: string) => ownValue(store.profiles, id) !== undefined;
    const source = override?.some(exists) ? "override" : configOrder?.some(exists) ? "config" : "round-robin";
    const order = source === "override" ? override!.filter(exists) : source === "config" ? configOrder!.filter(exists) : ordered;
    const all = Object.keys(store.profiles).filter((id) => normalizeProviderId(store.profiles[id]!.provider) === provider);
    const entry: ProviderOrder = {
      provider,
      override,
      source,
      ...(model !== undefined ? { model } : {}),
      order,
      effective: ordered,
      next: ordered.find((id) => !cooling.has(id)) ?? null,
      unused: all.filter((id) => !ordered.includes(id)),
    };
    if (ownKey === undefined && inheritedKey !== undefined) entry.overrideFrom = snapshot.primary.id;
    return entry;
  });
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new BadInput(`"${field}" must be a non-empty string.`);
  const text = value.trim();
  if (text.length > MAX_ID_LENGTH) throw new BadInput(`"${field}" is longer than ${MAX_ID_LENGTH} characters.`);
  const problem = hiddenCharactersProblem(text);
  if (problem) throw new BadInput(`"${field}": ${problem}.`);
  return text;
}

function requireIds(value: unknown): string[] {
  if (!Array.isArray(value)) throw new BadInput(`"order" must be an array of profile ids, or null to clear the override.`);
  if (value.length === 0) throw new BadInput(`"order" is empty; name at least one profile id, or send null to clear the override.`);
  return [...new Set(value.map((id, index) => requireText(id, `order[${index}]`)))];
}

/** Every id must be a profile the agent can use (its own or read through), of `provider` (as `order set`). */
function requireOrderableIds(visible: AuthStore, provider: string, ids: readonly string[]): void {
  for (const id of ids) {
    const credential = ownValue(visible.profiles, id);
    if (!credential) throw new BadInput(`Auth profile "${id}" not found.`);
    const owner = normalizeProviderId(credential.provider);
    if (owner !== provider) throw new BadInput(`Auth profile "${id}" is for ${owner}, not ${provider}.`);
  }
}

/** For another agent, runs `fn` with the default agent's store held under its lock (an update that changes nothing is a read). */
async function withDefaultAgentStore<T>(snapshot: GatewaySnapshot, backend: CredentialBackend, fn: (inherited: AuthStore | undefined) => T): Promise<T> {
  if (snapshot.agent.dir === snapshot.primary.dir) return fn(undefined);
  return backend.update(snapshot.primary.id, (primary) => fn(primary));
}

async function setOrder(state: LiveState, body: Record<string, unknown>): Promise<object> {
  const provider = normalizeProviderId(requireText(body.provider, "provider"));
  if (!("order" in body)) throw new BadInput(`"order" is missing: an array of profile ids, or null to clear the override.`);
  if (body.order === null) {
    const cleared = await state.updateOwnStore((store) => ({ result: withoutProvider(store, provider) }));
    return { provider, cleared, ...orderOf(state, provider) };
  }
  const ids = requireIds(body.order);
  await state.updateOwnStore(async (store, snapshot, backend) => {
    // Checked against the store as re-read under its lock, as `order set` does: a profile
    // removed meanwhile is "not found" rather than left named by the order.
    await withDefaultAgentStore(snapshot, backend, (inherited) => requireOrderableIds(inherited ? mergeStores(inherited, store) : store, provider, ids));
    withoutProvider(store, provider);
    store.order = { ...store.order, [provider]: ids };
    return { result: undefined };
  });
  return { provider, ...orderOf(state, provider) };
}

function orderOf(state: LiveState, provider: string): { order: ProviderOrder | null } {
  return { order: providerOrders(state.latest(), Date.now()).find((entry) => entry.provider === provider) ?? null };
}

async function clearCooldown(state: LiveState, body: Record<string, unknown>): Promise<object> {
  const profileId = requireText(body.profileId, "profileId");
  const cleared = await state.updateOwnStore(async (store, snapshot, backend) => {
    const inheritedHasIt = snapshot.view.inherited !== undefined && ownValue(snapshot.view.inherited.store.usageStats, profileId) !== undefined;
    if (!ownValue(store.profiles, profileId) && !ownValue(snapshot.view.merged.profiles, profileId)) throw new BadInput(`Auth profile "${profileId}" not found.`);
    let changed = clearProfileWindows(store, profileId);
    // A read-through profile whose usage is in the default agent's store (and not shadowed by this agent's own).
    let touchedInherited = false;
    if (inheritedHasIt && ownValue(store.usageStats, profileId) === undefined) {
      touchedInherited = await backend.update(snapshot.primary.id, (primary) => clearProfileWindows(primary, profileId));
      changed ||= touchedInherited;
    }
    return { result: changed, touchedInherited };
  });
  return { profileId, cleared };
}

type Action = (state: LiveState, body: Record<string, unknown>) => Promise<object>;
const ACTIONS: Record<(typeof ADMIN_PATHS)[number], Action> = { "/api/order": setOrder, "/api/cooldowns/clear": clearCooldown };

/** Answers the admin routes (the token already checked); undefined for any other path. */
export async function routeAdmin(state: LiveState, req: IncomingMessage, res: ServerResponse, path: string): Promise<DispatchOutcome | undefined> {
  if (!(ADMIN_PATHS as readonly string[]).includes(path)) return undefined;
  const method = req.method ?? "GET";
  if (path === "/api/order" && method === "GET") {
    sendJson(res, 200, { agentId: (await state.current()).agent.id, providers: providerOrders(state.latest(), Date.now()) });
    return { status: 200 };
  }
  if (method !== "POST") {
    req.resume();
    sendApiError(res, "openai", 405, `${method} is not allowed on ${path}.`);
    return { status: 405 };
  }
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    sendApiError(res, "openai", 415, `Send the body as JSON (content-type: application/json).`);
    return { status: 415 };
  }
  const body = await readJsonBody(req, ADMIN_BODY_LIMIT);
  if (!body.ok) {
    sendApiError(res, "openai", body.status, body.message);
    return { status: body.status };
  }
  try {
    const answer = await ACTIONS[path as (typeof ADMIN_PATHS)[number]](state, body.value as Record<string, unknown>);
    sendJson(res, 200, answer);
    return { status: 200 };
  } catch (error) {
    if (error instanceof BadInput) {
      sendApiError(res, "openai", 400, error.message);
      return { status: 400 };
    }
    if (error instanceof FileLockBusyError) {
      sendApiError(res, "openai", 409, `The auth store is locked by another openclaw process; try again. ${error.hint ?? ""}`.trim());
      return { status: 409 };
    }
    // A store that cannot be read or written now (a hand-broken file, a full disk): the state's
    // problem, said as it is, not a gateway fault.
    if (error instanceof OpenClawError) {
      sendApiError(res, "openai", 409, `The auth store cannot be changed now: ${error.message}`);
      return { status: 409 };
    }
    throw error;
  }
}
