// An upstream's Responses API event stream → hub stream events. Text and
// refusal content parts, reasoning items and function calls each become one hub
// part; response.completed / response.incomplete finish with usage;
// response.failed and `error` events end the stream with a hub error. Hosted-tool
// events (never asked for) and unknown events are skipped.
import type { HubStopReason, HubStreamEvent } from "../hub.ts";
import type { SseEvent, StreamDecoder } from "../adapter.ts";
import { fromEncryptedContent, hubUsage, isObject, stopFromIncomplete, type Json } from "./common.ts";
import { errorText, reasoningText } from "./response.ts";

interface OpenPart {
  index: number;
  kind: "text" | "refusal" | "thinking" | "tool_call";
  /** What has been passed on, to fill in from a `.done` event an upstream sent without deltas. */
  sent: string;
  summaryIndex?: number;
}

class ResponsesStreamDecoder implements StreamDecoder {
  private started = false;
  private done = false;
  private nextIndex = 0;
  private sawToolCall = false;
  /** Open parts by "output_index" (items) or "output_index:content_index" (message content). */
  private readonly open = new Map<string, OpenPart>();
  /** Every key a part was opened under: message content an upstream sent only in output_item.done is not yet among them. */
  private readonly opened = new Set<string>();

  decode(event: SseEvent): HubStreamEvent[] {
    if (this.done) return [];
    let data: Json;
    try {
      const parsed: unknown = JSON.parse(event.data);
      if (!isObject(parsed)) return [];
      data = parsed;
    } catch {
      return [];
    }
    const type = typeof data.type === "string" ? data.type : event.event;
    if (type === "error") return this.fail(errorText(data) ?? "upstream stream failed", typeof data.code === "string" ? data.code : undefined);
    if (type === "response.failed") {
      const response = isObject(data.response) ? data.response : {};
      const error = isObject(response.error) ? response.error : {};
      return this.fail(errorText(error) ?? "the upstream response failed", typeof error.code === "string" ? error.code : undefined);
    }
    const out = type === "response.created" || type === "response.in_progress" ? [] : this.start({});
    return [...out, ...this.onEvent(type ?? "", data)];
  }

  end(): HubStreamEvent[] {
    if (this.done) return [];
    return this.fail("the upstream stream ended before the response completed");
  }

  private fail(message: string, errorType?: string): HubStreamEvent[] {
    this.done = true;
    return [{ type: "error", message, ...(errorType ? { errorType } : {}) }];
  }

  private start(response: Json): HubStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      {
        type: "start",
        id: typeof response.id === "string" ? response.id : "",
        model: typeof response.model === "string" ? response.model : "",
        created: typeof response.created_at === "number" ? response.created_at : Math.floor(Date.now() / 1000),
      },
    ];
  }

  private openPart(key: string, kind: OpenPart["kind"], part: Extract<HubStreamEvent, { type: "part_start" }>["part"]): HubStreamEvent[] {
    if (this.open.has(key)) return [];
    const index = this.nextIndex++;
    this.open.set(key, { index, kind, sent: "" });
    this.opened.add(key);
    return [{ type: "part_start", index, part }];
  }

  /** A delta for the part at `key`; `full` (from a `.done` event) sends only what the deltas missed. */
  private delta(key: string, text: string, full = false): HubStreamEvent[] {
    const part = this.open.get(key);
    if (!part) return [];
    const fragment = full ? (text.startsWith(part.sent) ? text.slice(part.sent.length) : "") : text;
    if (!fragment) return [];
    part.sent += fragment;
    if (part.kind === "tool_call") return [{ type: "tool_arguments_delta", index: part.index, json: fragment }];
    if (part.kind === "thinking") return [{ type: "thinking_delta", index: part.index, text: fragment }];
    return [{ type: "text_delta", index: part.index, text: fragment }];
  }

  private close(key: string): HubStreamEvent[] {
    const part = this.open.get(key);
    if (!part) return [];
    this.open.delete(key);
    return [{ type: "part_stop", index: part.index }];
  }

  /** Several reasoning summaries read as one thinking text, paragraphs apart (as response.ts joins them). */
  private summaryDelta(key: string, summaryIndex: unknown, text: string): HubStreamEvent[] {
    const part = this.open.get(key);
    if (!part) return [];
    const index = typeof summaryIndex === "number" ? summaryIndex : 0;
    const separator = part.summaryIndex !== undefined && part.summaryIndex !== index && part.sent ? "\n\n" : "";
    part.summaryIndex = index;
    return this.delta(key, separator + text);
  }

  private onEvent(type: string, data: Json): HubStreamEvent[] {
    const item = `${String(data.output_index ?? 0)}`;
    const content = `${item}:${String(data.content_index ?? 0)}`;
    const delta = typeof data.delta === "string" ? data.delta : "";
    switch (type) {
      case "response.created":
      case "response.in_progress":
        return this.start(isObject(data.response) ? data.response : {});
      case "response.output_item.added": {
        const added = isObject(data.item) ? data.item : {};
        if (added.type === "function_call") {
          this.sawToolCall = true;
          const id = typeof added.call_id === "string" ? added.call_id : String(added.id ?? "");
          const started = this.openPart(item, "tool_call", { kind: "tool_call", id, name: String(added.name ?? "") });
          return [...started, ...this.delta(item, typeof added.arguments === "string" ? added.arguments : "")];
        }
        if (added.type === "reasoning") return this.openPart(item, "thinking", { kind: "thinking" });
        return [];
      }
      case "response.content_part.added": {
        const part = isObject(data.part) ? data.part : {};
        if (part.type === "output_text") return this.openPart(content, "text", { kind: "text" });
        if (part.type === "refusal") return this.openPart(content, "refusal", { kind: "refusal" });
        return [];
      }
      case "response.output_text.delta":
      case "response.refusal.delta": {
        // Some Responses servers skip response.content_part.added: the first delta opens the part.
        const opened = this.opened.has(content) ? [] : this.openPart(content, type === "response.refusal.delta" ? "refusal" : "text", { kind: type === "response.refusal.delta" ? "refusal" : "text" });
        return [...opened, ...this.delta(content, delta)];
      }
      case "response.output_text.done":
        return this.delta(content, String(data.text ?? ""), true);
      case "response.refusal.done":
        return this.delta(content, String(data.refusal ?? ""), true);
      case "response.content_part.done":
        return this.close(content);
      case "response.function_call_arguments.delta":
        return this.delta(item, delta);
      case "response.function_call_arguments.done":
        return this.delta(item, String(data.arguments ?? ""), true);
      case "response.reasoning_summary_text.delta":
        return this.summaryDelta(item, data.summary_index, delta);
      case "response.reasoning_text.delta":
        return this.delta(item, delta);
      case "response.output_item.done":
        return this.itemDone(item, isObject(data.item) ? data.item : {});
      case "response.completed":
      case "response.incomplete":
        return this.finish(isObject(data.response) ? data.response : {});
      default:
        return [];
    }
  }

  private itemDone(key: string, item: Json): HubStreamEvent[] {
    const out: HubStreamEvent[] = [];
    if (item.type === "message") {
      // Content that came only here, never as deltas (some servers send whole items).
      for (const [at, part] of (Array.isArray(item.content) ? item.content : []).entries()) {
        const where = `${key}:${at}`;
        if (this.opened.has(where) || !isObject(part)) continue;
        const text = part.type === "output_text" ? part.text : part.type === "refusal" ? part.refusal : undefined;
        if (typeof text !== "string" || !text) continue;
        const kind = part.type === "refusal" ? "refusal" : "text";
        out.push(...this.openPart(where, kind, { kind }), ...this.delta(where, text));
      }
      for (const open of [...this.open.keys()]) if (open.startsWith(`${key}:`)) out.push(...this.close(open));
      return out;
    }
    const part = this.open.get(key);
    if (!part) return out;
    if (item.type === "function_call" && typeof item.arguments === "string") out.push(...this.delta(key, item.arguments, true));
    if (item.type === "reasoning") {
      if (!part.sent) out.push(...this.delta(key, reasoningText(item)));
      const carried = fromEncryptedContent(item.encrypted_content);
      if ("encrypted" in carried) out.push({ type: "thinking_encrypted", index: part.index, encrypted: carried.encrypted });
      if ("signature" in carried) out.push({ type: "thinking_signature", index: part.index, signature: carried.signature });
    }
    return [...out, ...this.close(key)];
  }

  private finish(response: Json): HubStreamEvent[] {
    const out: HubStreamEvent[] = [];
    for (const key of [...this.open.keys()]) out.push(...this.close(key));
    let stopReason: HubStopReason = this.sawToolCall ? "tool_calls" : "end";
    if (response.status === "incomplete") stopReason = stopFromIncomplete(isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined);
    this.done = true;
    out.push({ type: "finish", stopReason, ...(isObject(response.usage) ? { usage: hubUsage(response.usage) } : {}) });
    return out;
  }
}

export function createResponsesStreamDecoder(): StreamDecoder {
  return new ResponsesStreamDecoder();
}
