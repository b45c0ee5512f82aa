// Recognising a chat command (spec §6.8): the whole last user message is the
// command (a directive-only message); a command inside other text is left to
// the model. Only the newest turn counts: the last message must be the user's.
import type { WireApi } from "../../providers/adapters/adapter.ts";

export type ChatCommand =
  | { kind: "show" }
  | { kind: "list"; provider?: string }
  | { kind: "status" }
  | { kind: "numeric"; raw: string }
  | { kind: "select"; raw: string }
  | { kind: "new"; word: "new" | "reset" };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function textOf(content: unknown, textTypes: readonly string[]): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter((part) => isObject(part) && textTypes.includes(part.type as string) && typeof part.text === "string").map((part) => (part as { text: string }).text);
  return texts.length === content.length ? texts.join("") : undefined; // an image beside the text: not a command
}

/** The text of the newest message when it is the user's, in any of the three client APIs. */
export function lastUserText(api: WireApi, body: Record<string, unknown>): string | undefined {
  if (api === "openai-responses") {
    const input = body.input;
    if (typeof input === "string") return input;
    if (!Array.isArray(input)) return undefined;
    const last = input.at(-1);
    if (!isObject(last) || last.role !== "user" || (last.type !== undefined && last.type !== "message")) return undefined;
    return textOf(last.content, ["input_text"]);
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) return undefined;
  const last = messages.at(-1);
  if (!isObject(last) || last.role !== "user") return undefined;
  return textOf(last.content, ["text"]);
}

const MODEL = /^\/model(?:s)?(?=$|[\s:])[\s:]*(.*)$/s;
const TOKEN = /^[A-Za-z0-9_.:@/-]+$/;

/** The chat command a message is, or undefined. `aliases`: the configured aliases (`/<alias>` is a shortcut). */
export function parseChatCommand(text: string, aliases: Readonly<Record<string, string>>): ChatCommand | undefined {
  const message = text.trim();
  if (!message.startsWith("/")) return undefined;
  if (/^\/(new|reset)$/i.test(message)) return { kind: "new", word: message.slice(1).toLowerCase() as "new" | "reset" };
  const match = MODEL.exec(message);
  if (match) {
    const plural = message.startsWith("/models");
    const argument = match[1]!.trim();
    if (argument === "") return plural ? { kind: "list" } : { kind: "show" };
    if (plural) return TOKEN.test(argument) ? { kind: "list", provider: argument } : undefined;
    if (argument === "list") return { kind: "list" };
    if (argument === "status") return { kind: "status" };
    if (/^\d+$/.test(argument)) return { kind: "numeric", raw: argument };
    return TOKEN.test(argument) ? { kind: "select", raw: argument } : undefined;
  }
  // `/<alias>` for an alias the config defines.
  const word = message.slice(1);
  const lower = word.split("@")[0]!.toLowerCase();
  if (TOKEN.test(word) && Object.keys(aliases).some((alias) => alias.toLowerCase() === lower)) return { kind: "select", raw: word };
  return undefined;
}
