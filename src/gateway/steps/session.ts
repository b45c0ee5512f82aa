// Session: which chat session the request belongs to (x-openclaw-session-key,
// or the OpenAI `user` / Anthropic `metadata.user_id` when
// gateway.sessions.keyFrom is "user"), its chat commands answered here in the
// request's own API (sessions/), and its `/model` choice and pin put in place
// of the request's model for the steps that follow. A session's auto pin (the
// profile that served it last) is a preference that rotates on failure; a
// user pin (`/model m@profile`) never rotates.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { normalizeProviderId } from "../../auth/provider-id.ts";
import { formatModelRef, resolveModelSettings } from "../../providers/model-ref.ts";
import { resolveProvider } from "../../providers/registry.ts";
import { normalizeAgentId } from "../../state/paths.ts";
import { ownValue } from "../../state/own-keys.ts";
import { redactSecrets } from "../../auth/redact.ts";
import { sendApiError } from "../api-errors.ts";
import type { ChatRequest } from "../attempt-result.ts";
import type { DispatchOutcome, Exchange } from "../exchange.ts";
import type { GatewaySnapshot } from "../live-state.ts";
import { sendLocalReply } from "../local-reply.ts";
import { memo } from "../snapshot-memo.ts";
import { lastUserText, parseChatCommand } from "../sessions/chat-command.ts";
import { runChatCommand, sessionModel } from "../sessions/model-commands.ts";
import type { SessionEntry } from "../../state/session-store.ts";

export const SESSION_HEADER = "x-openclaw-session-key";
export const AGENT_HEADER = "x-openclaw-agent";
const MAX_KEY_LENGTH = 200;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** The session the request names, if any; an unusable key is a problem to answer with. */
function sessionKeyOf(req: IncomingMessage, request: ChatRequest, snapshot: GatewaySnapshot): string | { problem: string } | undefined {
  let key = header(req, SESSION_HEADER);
  if (!key && snapshot.ctx.config.gateway?.sessions?.keyFrom === "user") {
    const body = request.body;
    const metadata = body.metadata as Record<string, unknown> | undefined;
    const user = request.format === "anthropic" ? metadata?.user_id : body.user;
    key = typeof user === "string" && user.trim() ? user.trim() : undefined;
  }
  if (key === undefined) return undefined;
  if (key.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(key)) return { problem: `The session key must be 1 to ${MAX_KEY_LENGTH} characters with no control characters.` };
  return key;
}

function fail(exchange: Exchange, status: number, message: string): DispatchOutcome {
  sendApiError(exchange.res, exchange.route.format, status, message);
  return { status };
}

export async function applySession(exchange: Exchange): Promise<DispatchOutcome | undefined> {
  const { req, deps } = exchange;
  const request = exchange.request!;
  const snapshot = await deps.state.current();
  exchange.snapshot = snapshot;
  if (request.countTokens) return undefined; // counting is not a turn: no commands, no session state
  const key = sessionKeyOf(req, request, snapshot);
  if (typeof key === "object") return fail(exchange, 400, key.problem);
  const settings = memo(snapshot.ctx, "settings", () => resolveModelSettings(snapshot.ctx.config, snapshot.agent.entry));
  const text = lastUserText(request.api, request.body);
  const command = text !== undefined && text.trimStart().startsWith("/") ? parseChatCommand(text, settings.aliases) : undefined;
  const agentHeader = header(req, AGENT_HEADER);
  if (!key && !command && !agentHeader) return undefined; // the common case: nothing session-related
  const agentId = snapshot.agent.id;
  if (agentHeader && normalizeAgentId(agentHeader) !== agentId) {
    return fail(exchange, 400, `This gateway serves agent "${agentId}", not "${agentHeader}". Start a gateway for that agent (openclaw gateway --agent ${normalizeAgentId(agentHeader)}), or drop the ${AGENT_HEADER} header.`);
  }
  let entry: SessionEntry | undefined;
  try {
    entry = key ? await deps.sessions.read(agentId, key) : undefined;
  } catch (error) {
    return fail(exchange, 500, `Could not read the chat sessions: ${(error as Error).message}`);
  }
  const providerSpec = (id: string) => memo(snapshot.ctx, `provider:${id}`, () => resolveProvider(snapshot.ctx.config, id));
  if (command) {
    const result = runChatCommand({ snapshot, settings, providerSpec, entry, hasSession: key !== undefined, now: Date.now() }, command);
    let reply = result.reply;
    let saved = true;
    if (result.change && key) {
      try {
        await deps.sessions.update(agentId, key, result.change);
      } catch (error) {
        // Answered in the chat, not as a 5xx: the gateway is fine, the session store is not (Redis down, a broken file).
        saved = false;
        reply = `Could not save the change to this session, so nothing changed: ${redactSecrets((error as Error).message)}`;
        deps.log(redactSecrets(`could not save chat session "${key}": ${(error as Error).message}`));
      }
    }
    const model = saved ? result.model : formatModelRef(sessionModel(entry, settings));
    const profile = saved ? result.profile : entry?.authProfileOverride;
    const headers: Record<string, string> = { "x-openclaw-model": model };
    if (profile) headers["x-openclaw-profile"] = profile;
    sendLocalReply(exchange.res, request, model, reply, headers);
    return { status: 200, model, note: `chat command /${command.kind === "list" ? "models" : command.kind === "new" ? command.word : `model ${command.kind}`}` };
  }
  if (!key) return undefined;
  applyChoices(exchange, snapshot, entry, settings);
  exchange.afterAnswer = (outcome) => rememberWhatServed(exchange, agentId, key, entry, outcome);
  return undefined;
}

/** The session's `/model` choice and pin, in place of what the request named. */
function applyChoices(exchange: Exchange, snapshot: GatewaySnapshot, entry: SessionEntry | undefined, settings: ReturnType<typeof resolveModelSettings>): void {
  if (!entry) return;
  const hasChoice = Boolean(entry.providerOverride && entry.modelOverride);
  const model = sessionModel(entry, settings);
  const pin = entry.authProfileOverride;
  const userPin = pin && (entry.authProfileOverrideSource ?? "user") === "user";
  if (userPin) {
    exchange.sessionModel = `${formatModelRef(model)}@${pin}`;
    return;
  }
  if (hasChoice) exchange.sessionModel = formatModelRef(model);
  // An auto pin that no longer fits (gone, another provider) is only a preference: dropped quietly.
  const credential = pin ? ownValue(snapshot.view.merged.profiles, pin) : undefined;
  const requested = hasChoice ? model.provider : undefined;
  if (pin && credential && (!requested || normalizeProviderId(credential.provider) === requested)) exchange.preferredProfile = pin;
}

/** After an answer: the session's auto pin follows the profile that served it, and the runtime model is noted. */
function rememberWhatServed(exchange: Exchange, agentId: string, key: string, entry: SessionEntry | undefined, outcome: DispatchOutcome): void {
  if (outcome.status < 200 || outcome.status >= 300 || !outcome.model) return;
  // Only a stored profile can be pinned (not `env:VAR` or `config:…`).
  const storedProfile = outcome.profile && !/^(env|config):/.test(outcome.profile) ? outcome.profile : undefined;
  const userPin = entry?.authProfileOverride && (entry.authProfileOverrideSource ?? "user") === "user";
  const [provider, ...rest] = outcome.model.split("/");
  const runtimeChanged = entry?.modelProvider !== provider || entry?.model !== rest.join("/");
  const pinChanged = !userPin && storedProfile !== undefined && entry?.authProfileOverride !== storedProfile;
  if (entry && !runtimeChanged && !pinChanged) return;
  exchange.deps.sessions
    .update(agentId, key, (current) => {
      const next: SessionEntry = current ? { ...current, updatedAt: Date.now() } : { sessionId: randomUUID(), updatedAt: Date.now() };
      next.modelProvider = provider;
      next.model = rest.join("/");
      const currentUserPin = next.authProfileOverride && (next.authProfileOverrideSource ?? "user") === "user";
      if (!currentUserPin && storedProfile) {
        next.authProfileOverride = storedProfile;
        next.authProfileOverrideSource = "auto";
      }
      return next;
    })
    .catch((error: Error) => exchange.deps.log(`could not save chat session "${key}": ${error.message}`));
}
