// Small chores the adapters share: ids, the clock, data URLs, tool-call
// arguments and the text of a content array.
import { randomUUID } from "node:crypto";

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomSuffix(): string {
  return randomUUID().replaceAll("-", "").slice(0, 24);
}

/** Reuses the upstream id when there is one, so logs on both sides can be matched up. */
export function chatCompletionId(messageId?: string): string {
  const base = messageId?.replace(/^msg_/, "");
  return `chatcmpl-${base || randomSuffix()}`;
}

export function anthropicMessageId(completionId?: string): string {
  const base = completionId?.replace(/^chatcmpl-/, "").replace(/[^a-zA-Z0-9_-]/g, "_");
  return `msg_${base || randomSuffix()}`;
}

/**
 * Anthropic rejects tool_use ids outside [a-zA-Z0-9_-]; some OpenAI-compatible
 * upstreams use ids like "functions.get_weather:0". The same mapping is applied
 * to a tool call and to its result, so the pair still matches.
 */
export function anthropicToolUseId(id: string | undefined): string {
  const safe = id?.replace(/[^a-zA-Z0-9_-]/g, "_");
  return safe || `toolu_${randomSuffix()}`;
}

/**
 * Anthropic needs tool input as an object. Arguments that are empty, not JSON
 * (a reply cut off by max_tokens) or not an object become {}.
 */
export function parseToolArguments(args: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args ?? "");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `data:<media type>[;base64],<data>` → base64 payload; percent-encoded payloads are re-encoded. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const mediaType = match[1] || "text/plain";
  const isBase64 = (match[2] ?? "").split(";").includes("base64");
  const payload = match[3] ?? "";
  try {
    const data = isBase64 ? payload : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
    return { mediaType, data };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export function dataUrl(mediaType: string, base64: string): string {
  return `data:${mediaType};base64,${base64}`;
}

/** The text of a string or of the text parts/blocks in an array; other parts are skipped. */
export function plainText(content: unknown, separator = ""): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part): part is { type: "text"; text: string } => part?.type === "text" && typeof part.text === "string")
    .map((part) => part.text)
    .join(separator);
}
