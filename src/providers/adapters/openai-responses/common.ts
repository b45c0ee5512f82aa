// What both sides of the Responses adapter share: ids, usage, media and the
// content parts that user messages and function_call_output items have in common.
import { randomUUID } from "node:crypto";
import { dataUrl, parseDataUrl } from "../shared.ts";
import type { HubMediaSource, HubPart, HubProblem, HubStopReason, HubUsage } from "../hub.ts";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function randomSuffix(): string {
  return randomUUID().replaceAll("-", "").slice(0, 24);
}

/** Output items need ids of their own (msg_, fc_, rs_); random ones, as nothing refers back to them. */
export function itemId(prefix: "msg" | "fc" | "ctc" | "rs"): string {
  return `${prefix}_${randomSuffix()}`;
}

/** Reuses the upstream id (minus its API's prefix) so logs on both sides can be matched up. */
export function responseId(hubId: string | undefined): string {
  if (hubId?.startsWith("resp_")) return hubId;
  const base = hubId?.replace(/^(chatcmpl-|msg_)/, "").replace(/[^a-zA-Z0-9_-]/g, "_");
  return `resp_${base || randomSuffix()}`;
}

/**
 * Hub usage is read as "details inside totals" (the hub does not say): inputTokens
 * counts every prompt token, cache reads and writes included, and outputTokens
 * includes reasoning — exactly as the Responses API counts them.
 */
export function responsesUsage(usage: Partial<HubUsage> | undefined): Json {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cacheReadTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

export function hubUsage(usage: unknown): HubUsage {
  const u = isObject(usage) ? usage : {};
  const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
  const cached = num((u.input_tokens_details as Json | undefined)?.cached_tokens);
  const reasoning = num((u.output_tokens_details as Json | undefined)?.reasoning_tokens);
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    ...(cached ? { cacheReadTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}

/** incomplete_details.reason ↔ hub stop reason. */
export function incompleteReason(stop: HubStopReason): "max_output_tokens" | "content_filter" | undefined {
  if (stop === "max_tokens") return "max_output_tokens";
  if (stop === "content_filter") return "content_filter";
  return undefined;
}

export function stopFromIncomplete(reason: unknown): HubStopReason {
  return reason === "content_filter" ? "content_filter" : "max_tokens";
}

// ------------------------------------------------------------- content parts (client → hub)

function mediaTypeForFilename(filename: string | undefined): string {
  if (/\.pdf$/i.test(filename ?? "")) return "application/pdf";
  if (/\.(txt|md)$/i.test(filename ?? "")) return "text/plain";
  return "application/octet-stream";
}

function imageSource(part: Json): HubMediaSource | undefined {
  if (typeof part.file_id === "string" && part.file_id) return { type: "file_id", id: part.file_id };
  if (typeof part.image_url !== "string" || !part.image_url) return undefined;
  if (!part.image_url.startsWith("data:")) return { type: "url", url: part.image_url };
  const inline = parseDataUrl(part.image_url);
  return inline ? { type: "base64", ...inline } : undefined;
}

function fileSource(part: Json): HubMediaSource | undefined {
  if (typeof part.file_id === "string" && part.file_id) return { type: "file_id", id: part.file_id };
  if (typeof part.file_url === "string" && part.file_url) return { type: "url", url: part.file_url };
  if (typeof part.file_data !== "string" || !part.file_data) return undefined;
  // OpenAI documents file_data as a data URL; a bare base64 payload is accepted too.
  const inline = part.file_data.startsWith("data:") ? parseDataUrl(part.file_data) : undefined;
  if (inline) return { type: "base64", ...inline };
  const filename = typeof part.filename === "string" ? part.filename : undefined;
  return { type: "base64", mediaType: mediaTypeForFilename(filename), data: part.file_data };
}

/** One input_text / input_image / input_file part, or a problem naming `param`. */
export function inputPart(part: unknown, param: string): HubPart | HubProblem {
  if (!isObject(part)) return { problem: "a content part must be an object", param };
  if (part.type === "input_text" && typeof part.text === "string") return { kind: "text", text: part.text };
  if (part.type === "input_image") {
    const source = imageSource(part);
    if (!source) return { problem: "input_image needs image_url (a URL or base64 data URL) or file_id", param };
    return { kind: "image", source, ...(typeof part.detail === "string" ? { detail: part.detail } : {}) };
  }
  if (part.type === "input_file") {
    const source = fileSource(part);
    if (!source) return { problem: "input_file needs file_data, file_url or file_id", param };
    return { kind: "file", source, ...(typeof part.filename === "string" ? { filename: part.filename } : {}) };
  }
  return { problem: `content part type ${JSON.stringify(part.type)} is not supported here`, param };
}

// ------------------------------------------------------------- content parts (hub → upstream)

function mediaUrl(source: HubMediaSource): Json {
  if (source.type === "file_id") return { file_id: source.id };
  if (source.type === "url") return { image_url: source.url };
  return { image_url: dataUrl(source.mediaType, source.data) };
}

/** A hub text/image/file part as a Responses input part; other kinds have none. */
export function responsesInputPart(part: HubPart): Json | undefined {
  if (part.kind === "text") return { type: "input_text", text: part.text };
  if (part.kind === "image") return { type: "input_image", detail: part.detail ?? "auto", ...mediaUrl(part.source) };
  if (part.kind === "file") {
    const { source } = part;
    const name = part.filename ?? part.title;
    const where =
      source.type === "file_id" ? { file_id: source.id } : source.type === "url" ? { file_url: source.url } : { file_data: dataUrl(source.mediaType, source.data) };
    // OpenAI wants a filename with inline file data.
    const filename = name ?? (source.type === "base64" ? (source.mediaType === "application/pdf" ? "document.pdf" : "file") : undefined);
    return { type: "input_file", ...where, ...(filename ? { filename } : {}) };
  }
  return undefined;
}

// ------------------------------------------------------------- reasoning carried by the client

/**
 * A Responses client can hand back reasoning only as encrypted_content. An
 * Anthropic signature travels in it under this prefix, so thinking from a Claude
 * upstream survives the client's next turn (Anthropic requires it back with tool
 * use) and is never mistaken for OpenAI's own encrypted reasoning.
 */
const SIGNATURE_PREFIX = "openclaw-anthropic-signature:";

export function encryptedContent(part: { signature?: string; encrypted?: string }): string | undefined {
  if (part.encrypted) return part.encrypted;
  return part.signature ? SIGNATURE_PREFIX + part.signature : undefined;
}

export function fromEncryptedContent(value: unknown): { signature: string } | { encrypted: string } | Record<string, never> {
  if (typeof value !== "string" || !value) return {};
  return value.startsWith(SIGNATURE_PREFIX) ? { signature: value.slice(SIGNATURE_PREFIX.length) } : { encrypted: value };
}
