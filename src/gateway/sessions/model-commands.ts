// The replies to `/model`, `/models`, `/model status`, `/model <ref>[@profile]`,
// `/new` and `/reset` (spec §6.2, §6.8), and the change each makes to the
// session. Pure: reads the loaded state, returns text and a session change.
import { storeLocationLabel } from "../../auth/backend.ts";
import { randomUUID } from "node:crypto";
import { normalizeProviderId } from "../../auth/provider-id.ts";
import { profileAvailability } from "../../auth/cooldown.ts";
import { formatRemainingShort } from "../../auth/health.ts";
import { maskSecret } from "../../auth/mask.ts";
import { resolveProfileOrder } from "../../auth/profile-order.ts";
import { ownValue } from "../../state/own-keys.ts";
import { buildCatalog } from "../../providers/catalog.ts";
import { formatModelRef, resolveModelRef, splitProfileSuffix, type ModelRef, type ModelSettings } from "../../providers/model-ref.ts";
import type { ProviderSpec } from "../../providers/registry.ts";
import type { GatewaySnapshot } from "../live-state.ts";
import type { ChatCommand } from "./chat-command.ts";
import type { SessionEntry } from "../../state/session-store.ts";

export interface CommandContext {
  snapshot: GatewaySnapshot;
  settings: ModelSettings;
  providerSpec: (id: string) => ProviderSpec | undefined;
  /** The session's entry as stored (undefined when new or when the request names no session). */
  entry: SessionEntry | undefined;
  /** Whether the request named a session at all. */
  hasSession: boolean;
  now: number;
}

export interface CommandResult {
  reply: string;
  /** The new session entry, when the command changes the session. */
  change?: (entry: SessionEntry | undefined) => SessionEntry;
  /** The model the reply speaks for (x-openclaw-model), and the pinned profile if any. */
  model: string;
  profile?: string;
}

const BROWSE = "Use /models to list providers, or /models <provider> to list models.";
const HINTS = ["Switch: /model <provider/model>", "Browse: /models (providers) or /models <provider> (models)", "More: /model status"];
const NO_SESSION = "This request names no session, so there is nothing to keep the choice in: send the header x-openclaw-session-key: <key> (or use openclaw chat, or the Control UI), or name the model in each request (`provider/model@profile`).";

/** The model a session runs on: its `/model` choice, else the agent's primary. */
export function sessionModel(entry: SessionEntry | undefined, settings: ModelSettings): ModelRef {
  return entry?.providerOverride && entry.modelOverride ? { provider: normalizeProviderId(entry.providerOverride), model: entry.modelOverride } : settings.primary;
}

function fresh(entry: SessionEntry | undefined, now: number): SessionEntry {
  return entry ? { ...entry, updatedAt: now } : { sessionId: randomUUID(), updatedAt: now };
}

/** Models to show: the allowlist when there is one, else the catalog, plus the configured refs. */
function browsable(ctx: CommandContext): { key: string; provider: string; aliases: string[] }[] {
  const { settings } = ctx;
  const keys: string[] = [];
  const add = (key: string | undefined) => key && !keys.includes(key) && keys.push(key);
  if (settings.allowed.length > 0) settings.allowed.forEach((raw) => add(resolveModelRef(raw, settings.aliases) && formatModelRef(resolveModelRef(raw, settings.aliases)!)));
  else buildCatalog(ctx.snapshot.ctx.config).forEach((model) => add(`${model.provider}/${model.id}`));
  add(formatModelRef(settings.primary));
  settings.fallbacks.forEach(add);
  return keys.map((key) => ({
    key,
    provider: key.split("/")[0]!,
    aliases: Object.entries(settings.aliases)
      .filter(([, target]) => target === key)
      .map(([alias]) => alias),
  }));
}

function listModels(ctx: CommandContext, provider: string | undefined): string {
  const models = browsable(ctx);
  if (!provider) {
    const counts = new Map<string, number>();
    for (const model of models) counts.set(model.provider, (counts.get(model.provider) ?? 0) + 1);
    const lines = [...counts].map(([id, count]) => `  ${id} (${count} ${count === 1 ? "model" : "models"})`);
    return ["Providers:", ...lines, "", "Use /models <provider> to list its models; switch with /model <provider/model>."].join("\n");
  }
  const id = normalizeProviderId(provider);
  const own = models.filter((model) => model.provider === id);
  if (own.length === 0) return `No models for provider "${provider}". ${BROWSE}`;
  const lines = own.map((model) => `  • ${model.key}${model.aliases.length > 0 ? ` (${model.aliases.join(", ")})` : ""}`);
  return [`Models (${id}):`, ...lines, "", "Switch: /model <provider/model>"].join("\n");
}

function showModel(ctx: CommandContext): string {
  const current = formatModelRef(sessionModel(ctx.entry, ctx.settings));
  const runtime = ctx.entry?.modelProvider && ctx.entry.model ? `${ctx.entry.modelProvider}/${ctx.entry.model}` : undefined;
  const lines = runtime && runtime !== current ? [`Current: ${current} (selected)`, `Active: ${runtime} (runtime)`] : [`Current: ${current}`];
  return [...lines, "", ...HINTS].join("\n");
}

/** `<id>=<masked>` with its flags, as OpenClaw's verbose auth label (spec §6.8). */
function profileLabel(ctx: CommandContext, profileId: string, provider: string, next: boolean, model: string | undefined): string {
  const { store } = { store: ctx.snapshot.view.merged };
  const credential = ownValue(store.profiles, profileId);
  if (!credential) return `${profileId}=missing`;
  let label: string;
  if (credential.type === "api_key") label = credential.key ? maskSecret(credential.key) : credential.keyRef ? "ref" : "missing";
  else if (credential.type === "token") label = `token:${credential.token ? maskSecret(credential.token) : "ref"}`;
  else label = `OAuth${credential.email ? ` ${credential.email}` : ""}`;
  const flags: string[] = [];
  if (next) flags.push("next");
  if (ownValue(store.lastGood, provider) === profileId) flags.push("lastGood");
  const availability = profileAvailability(store, profileId, provider, model, ctx.now);
  if (!availability.usable) {
    const left = availability.until - ctx.now;
    flags.push(`cooldown ${left < 60_000 ? "soon" : formatRemainingShort(left)}`);
  }
  const expires = credential.type === "api_key" ? undefined : credential.expires;
  if (typeof expires === "number" && expires > 0) flags.push(expires <= ctx.now ? "expired" : `exp ${formatRemainingShort(expires - ctx.now)}`);
  return `${profileId}=${label}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}`;
}

function statusView(ctx: CommandContext): string {
  const { snapshot, settings } = ctx;
  const current = sessionModel(ctx.entry, settings);
  const runtime = ctx.entry?.modelProvider && ctx.entry.model ? `${ctx.entry.modelProvider}/${ctx.entry.model}` : undefined;
  const lines = [`Current: ${formatModelRef(current)}${runtime && runtime !== formatModelRef(current) ? " (selected)" : ""}`];
  if (runtime && runtime !== formatModelRef(current)) lines.push(`Active: ${runtime} (runtime)`);
  lines.push(`Default: ${formatModelRef(settings.primary)}`, `Agent: ${snapshot.agent.id}`, `${storeLocationLabel(snapshot.storeEra ?? "json")}: ${snapshot.ctx.display(snapshot.view.own.path)}`);
  if (ctx.entry?.authProfileOverride) lines.push(`Pinned: ${ctx.entry.authProfileOverride} (${ctx.entry.authProfileOverrideSource ?? "user"})`);
  const models = browsable(ctx);
  for (const provider of [...new Set(models.map((model) => model.provider))]) {
    const spec = ctx.providerSpec(provider);
    const configured = snapshot.ctx.config.models?.providers?.[provider]?.baseUrl;
    const { ordered } = resolveProfileOrder({ config: snapshot.ctx.config, store: snapshot.view.merged, provider, model: provider === current.provider ? current.model : undefined, now: ctx.now });
    const auth =
      ordered.length > 0
        ? `${ordered.map((id, index) => profileLabel(ctx, id, provider, index === 0, provider === current.provider ? current.model : undefined)).join(", ")} (auth-profiles: ${snapshot.ctx.display(snapshot.view.own.path)})`
        : "no profiles (env or config keys, or missing: see openclaw models status)";
    lines.push("", `[${provider}] endpoint: ${configured ?? "default"}${spec ? ` api: ${spec.api}` : ""} auth: ${auth}`);
    for (const model of models.filter((entry) => entry.provider === provider)) lines.push(`  • ${model.key}${model.aliases.length > 0 ? ` (${model.aliases.join(", ")})` : ""}`);
  }
  return lines.join("\n");
}

function select(ctx: CommandContext, raw: string): CommandResult {
  const { settings, snapshot } = ctx;
  const current = formatModelRef(sessionModel(ctx.entry, settings));
  const { ref: rawRef, profileId } = splitProfileSuffix(raw);
  if (!rawRef) return { reply: "Auth profile override requires a model selection.", model: current };
  const ref = resolveModelRef(rawRef, settings.aliases);
  if (!ref || !ctx.providerSpec(ref.provider)) return { reply: `Unrecognized model "${raw}". ${BROWSE}`, model: current };
  const key = formatModelRef(ref);
  const allowed = settings.allowed.flatMap((entry) => {
    const resolved = resolveModelRef(entry, settings.aliases);
    return resolved ? [formatModelRef(resolved)] : [];
  });
  if (settings.allowed.length > 0 && !allowed.includes(key)) {
    return { reply: `Model "${key}" is not allowed. ${BROWSE}`, model: current };
  }
  if (profileId) {
    const credential = ownValue(snapshot.view.merged.profiles, profileId);
    if (!credential) return { reply: `Auth profile "${profileId}" not found.`, model: current };
    const owner = normalizeProviderId(credential.provider);
    if (owner !== ref.provider) return { reply: `Auth profile "${profileId}" is for ${owner}, not ${ref.provider}.`, model: current };
  }
  if (!ctx.hasSession) return { reply: NO_SESSION, model: current };
  const isDefault = key === formatModelRef(settings.primary);
  const reply = [isDefault ? `Model reset to default (${key}).` : `Model set to ${key}.`];
  if (profileId) reply.push(`Auth profile set to ${profileId}.`);
  return {
    reply: reply.join("\n"),
    model: key,
    ...(profileId ? { profile: profileId } : {}),
    change: (entry) => {
      const next = fresh(entry, ctx.now);
      if (isDefault) {
        delete next.providerOverride;
        delete next.modelOverride;
      } else {
        next.providerOverride = ref.provider;
        next.modelOverride = ref.model;
      }
      // A model change without @profile clears any profile override.
      delete next.authProfileOverrideCompactionCount;
      if (profileId) {
        next.authProfileOverride = profileId;
        next.authProfileOverrideSource = "user";
      } else {
        delete next.authProfileOverride;
        delete next.authProfileOverrideSource;
      }
      return next;
    },
  };
}

/** `/new`, `/reset`: a new session id; a user pin stays, an auto pin moves on to the next available profile (spec §6.2). */
function startOver(ctx: CommandContext, word: "new" | "reset"): CommandResult {
  const model = sessionModel(ctx.entry, ctx.settings);
  const key = formatModelRef(model);
  if (!ctx.hasSession) return { reply: NO_SESSION, model: key };
  const { snapshot } = ctx;
  const { ordered, coolingDown } = resolveProfileOrder({ config: snapshot.ctx.config, store: snapshot.view.merged, provider: model.provider, model: model.model, now: ctx.now });
  const cooling = new Set(coolingDown.map((entry) => entry.profileId));
  const available = ordered.filter((id) => !cooling.has(id));
  const pin = ctx.entry?.authProfileOverride;
  const userPin = pin && (ctx.entry?.authProfileOverrideSource ?? "user") === "user" ? pin : undefined;
  let autoPin: string | undefined;
  if (!userPin && available.length > 0) {
    const at = pin ? available.indexOf(pin) : -1;
    autoPin = at >= 0 ? available[(at + 1) % available.length] : available[0];
  }
  const lines = [`New session started (${word === "reset" ? "reset" : "new"}).`, `Model: ${key}`];
  if (userPin) lines.push(`Auth profile: ${userPin} (pinned)`);
  else if (autoPin) lines.push(`Auth profile: ${autoPin}`);
  return {
    reply: lines.join("\n"),
    model: key,
    ...((userPin ?? autoPin) ? { profile: (userPin ?? autoPin)! } : {}),
    change: (entry) => {
      const next: SessionEntry = { ...fresh(entry, ctx.now), sessionId: randomUUID() };
      delete next.modelProvider;
      delete next.model;
      if (autoPin) {
        next.authProfileOverride = autoPin;
        next.authProfileOverrideSource = "auto";
      } else if (!userPin) {
        delete next.authProfileOverride;
        delete next.authProfileOverrideSource;
      }
      return next;
    },
  };
}

export function runChatCommand(ctx: CommandContext, command: ChatCommand): CommandResult {
  const model = formatModelRef(sessionModel(ctx.entry, ctx.settings));
  const profile = ctx.entry?.authProfileOverride;
  const base = { model, ...(profile ? { profile } : {}) };
  switch (command.kind) {
    case "show":
      return { ...base, reply: showModel(ctx) };
    case "list":
      return { ...base, reply: listModels(ctx, command.provider) };
    case "status":
      return { ...base, reply: statusView(ctx) };
    case "numeric":
      return { ...base, reply: ["Numeric model selection is not supported in chat.", "", HINTS[0]!, HINTS[1]!].join("\n") };
    case "select":
      return select(ctx, command.raw);
    case "new":
      return startOver(ctx, command.word);
  }
}
