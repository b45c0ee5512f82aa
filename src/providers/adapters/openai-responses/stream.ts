// Hub stream events → a Responses API event stream for the client: named SSE
// events (`event: <type>`), each with a sequence_number counting from 0, ended
// by response.completed / response.incomplete (no `data: [DONE]`). Output items
// are numbered in order of appearance; consecutive text and refusal parts share
// one message item, as in the non-streamed rendering (response.ts).
import type { HubStreamEvent } from "../hub.ts";
import type { StreamEncoder } from "../adapter.ts";
import { formatSse } from "../../sse.ts";
import { encryptedContent, itemId, randomSuffix, responseId, type Json } from "./common.ts";
import { finalFields, messageItem, outputText, reasoningItem, responseEnvelope } from "./response.ts";
import { clientToolNames, freeformInput, toolCallItem, type ToolNames } from "./tools.ts";

export { createResponsesStreamDecoder } from "./stream-decode.ts";

interface OpenMessage {
  outputIndex: number;
  id: string;
  content: Json[];
}

/** What one hub part became: a content part of a message, or an item of its own. */
type PartState =
  | { kind: "text" | "refusal"; message: OpenMessage; contentIndex: number; text: string }
  | { kind: "thinking"; outputIndex: number; id: string; text: string; summaryOpen: boolean; signature?: string; encrypted?: string }
  /** `name`: the hub's (flat) name; a custom tool's text is sent whole when its JSON arguments are complete. */
  | { kind: "tool_call"; outputIndex: number; id: string; callId: string; name: string; args: string; custom: boolean };

class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private envelope: Json | undefined;
  private readonly output: Json[] = [];
  private readonly parts = new Map<number, PartState>();
  private message: OpenMessage | undefined;
  private done = false;

  constructor(
    private readonly model: string,
    private readonly names: ToolNames,
  ) {}

  outputItems(): readonly Json[] {
    return this.output;
  }

  encode(event: HubStreamEvent): string {
    if (this.done) return "";
    if (event.type === "start") return this.start(responseId(event.id), event.created);
    let out = this.envelope ? "" : this.start(responseId(undefined), Math.floor(Date.now() / 1000));
    switch (event.type) {
      case "part_start":
        out += this.partStart(event.index, event.part);
        break;
      case "text_delta":
        out += this.textDelta(event.index, event.text);
        break;
      case "thinking_delta":
        out += this.thinkingDelta(event.index, event.text);
        break;
      case "thinking_signature":
      case "thinking_encrypted": {
        const part = this.parts.get(event.index);
        if (part?.kind === "thinking" && event.type === "thinking_signature") part.signature = event.signature;
        if (part?.kind === "thinking" && event.type === "thinking_encrypted") part.encrypted = event.encrypted;
        break;
      }
      case "tool_arguments_delta": {
        const part = this.parts.get(event.index);
        if (part?.kind !== "tool_call" || !event.json) break;
        part.args += event.json;
        if (part.custom) break;
        out += this.emit("response.function_call_arguments.delta", { item_id: part.id, output_index: part.outputIndex, delta: event.json });
        break;
      }
      case "part_stop":
        out += this.partStop(event.index);
        break;
      case "finish": {
        out += this.closeAll();
        const ending = finalFields(event.stopReason, event.usage);
        const type = ending.status === "incomplete" ? "response.incomplete" : "response.completed";
        out += this.emit(type, { response: { ...this.envelope, output: this.output, ...ending } });
        this.done = true;
        break;
      }
      case "error": {
        const code = event.errorType ?? "server_error";
        out += this.emit("error", { code, message: event.message, param: null });
        const failed = { ...this.envelope, output: this.output, status: "failed", error: { code, message: event.message } };
        out += this.emit("response.failed", { response: failed });
        this.done = true;
        break;
      }
    }
    return out;
  }

  end(): string {
    return "";
  }

  private emit(type: string, payload: Json): string {
    return formatSse({ event: type, data: JSON.stringify({ type, sequence_number: this.sequence++, ...payload }) });
  }

  private start(id: string, created: number): string {
    if (this.envelope) return "";
    this.envelope = responseEnvelope(id || `resp_${randomSuffix()}`, this.model, created, "in_progress");
    return this.emit("response.created", { response: this.envelope }) + this.emit("response.in_progress", { response: this.envelope });
  }

  private addItem(item: Json): { outputIndex: number; out: string } {
    const outputIndex = this.output.length;
    this.output.push(item);
    return { outputIndex, out: this.emit("response.output_item.added", { output_index: outputIndex, item: structuredClone(item) }) };
  }

  private doneItem(outputIndex: number, item: Json): string {
    this.output[outputIndex] = item;
    return this.emit("response.output_item.done", { output_index: outputIndex, item });
  }

  private closeMessage(): string {
    const message = this.message;
    if (!message) return "";
    let out = "";
    for (const [index, part] of [...this.parts]) if ((part.kind === "text" || part.kind === "refusal") && part.message === message) out += this.partStop(index);
    this.message = undefined;
    return out + this.doneItem(message.outputIndex, messageItem(message.id, message.content, "completed"));
  }

  private partStart(index: number, part: Extract<HubStreamEvent, { type: "part_start" }>["part"]): string {
    if (part.kind === "text" || part.kind === "refusal") {
      let out = "";
      if (!this.message) {
        const id = itemId("msg");
        const added = this.addItem(messageItem(id, [], "in_progress"));
        out += added.out;
        this.message = { outputIndex: added.outputIndex, id, content: [] };
      }
      const message = this.message;
      const contentIndex = message.content.length;
      const empty = part.kind === "text" ? outputText("") : { type: "refusal", refusal: "" };
      message.content.push(empty);
      this.parts.set(index, { kind: part.kind, message, contentIndex, text: "" });
      const where = { item_id: message.id, output_index: message.outputIndex, content_index: contentIndex };
      return out + this.emit("response.content_part.added", { ...where, part: empty });
    }
    let out = this.closeMessage();
    if (part.kind === "thinking") {
      const id = itemId("rs");
      const added = this.addItem(reasoningItem(id, "", undefined, "in_progress"));
      this.parts.set(index, { kind: "thinking", outputIndex: added.outputIndex, id, text: "", summaryOpen: false });
      return out + added.out;
    }
    const custom = this.names.get(part.name)?.custom === true;
    const id = itemId(custom ? "ctc" : "fc");
    const added = this.addItem(toolCallItem(id, part.id, part.name, "", "in_progress", this.names));
    this.parts.set(index, { kind: "tool_call", outputIndex: added.outputIndex, id, callId: part.id, name: part.name, args: "", custom });
    return out + added.out;
  }

  private textDelta(index: number, text: string): string {
    const part = this.parts.get(index);
    if ((part?.kind !== "text" && part?.kind !== "refusal") || !text) return "";
    part.text += text;
    const where = { item_id: part.message.id, output_index: part.message.outputIndex, content_index: part.contentIndex };
    if (part.kind === "refusal") return this.emit("response.refusal.delta", { ...where, delta: text });
    return this.emit("response.output_text.delta", { ...where, delta: text, logprobs: [] });
  }

  private thinkingDelta(index: number, text: string): string {
    const part = this.parts.get(index);
    if (part?.kind !== "thinking" || !text) return "";
    const where = { item_id: part.id, output_index: part.outputIndex, summary_index: 0 };
    let out = "";
    if (!part.summaryOpen) {
      part.summaryOpen = true;
      out += this.emit("response.reasoning_summary_part.added", { ...where, part: { type: "summary_text", text: "" } });
    }
    part.text += text;
    return out + this.emit("response.reasoning_summary_text.delta", { ...where, delta: text });
  }

  private partStop(index: number): string {
    const part = this.parts.get(index);
    if (!part) return "";
    this.parts.delete(index);
    if (part.kind === "text" || part.kind === "refusal") {
      const { message, contentIndex } = part;
      const where = { item_id: message.id, output_index: message.outputIndex, content_index: contentIndex };
      const full = part.kind === "text" ? outputText(part.text) : { type: "refusal", refusal: part.text };
      message.content[contentIndex] = full;
      const done =
        part.kind === "text"
          ? this.emit("response.output_text.done", { ...where, text: part.text, logprobs: [] })
          : this.emit("response.refusal.done", { ...where, refusal: part.text });
      return done + this.emit("response.content_part.done", { ...where, part: full });
    }
    if (part.kind === "thinking") {
      let out = "";
      if (part.summaryOpen) {
        const where = { item_id: part.id, output_index: part.outputIndex, summary_index: 0 };
        out += this.emit("response.reasoning_summary_text.done", { ...where, text: part.text });
        out += this.emit("response.reasoning_summary_part.done", { ...where, part: { type: "summary_text", text: part.text } });
      }
      return out + this.doneItem(part.outputIndex, reasoningItem(part.id, part.text, encryptedContent(part), "completed"));
    }
    if (part.kind !== "tool_call") return "";
    const where = { item_id: part.id, output_index: part.outputIndex };
    const done = toolCallItem(part.id, part.callId, part.name, part.args, "completed", this.names);
    let out: string;
    if (part.custom) {
      const input = freeformInput(part.args);
      out = input ? this.emit("response.custom_tool_call_input.delta", { ...where, delta: input }) : "";
      out += this.emit("response.custom_tool_call_input.done", { ...where, input });
    } else out = this.emit("response.function_call_arguments.done", { ...where, name: done.name, arguments: part.args });
    return out + this.doneItem(part.outputIndex, done);
  }

  /** Parts the hub left open at the finish are closed, so every item the client saw is done. */
  private closeAll(): string {
    let out = "";
    for (const index of [...this.parts.keys()]) out += this.partStop(index);
    return out + this.closeMessage();
  }
}

/** `body`: the client's request, whose tools say which calls are custom (freeform) or namespaced (tools.ts). */
export function createResponsesStreamEncoder(model: string, body?: Json): StreamEncoder {
  return new ResponsesStreamEncoder(model, clientToolNames(body));
}
