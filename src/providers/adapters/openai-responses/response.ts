// A whole (non-streamed) answer: the hub response rendered as a Response object
// for a Responses client, and an upstream's Response object parsed into the hub.
import type { HubPart, HubProblem, HubResponse, HubStopReason, HubUsage } from "../hub.ts";
import { encryptedContent, hubUsage, incompleteReason, isObject, itemId, responseId, responsesUsage, stopFromIncomplete, type Json } from "./common.ts";
import { clientToolNames, toolCallItem } from "./tools.ts";

/**
 * The fields every Response object carries. We do not see the request here, so
 * the echoes of its settings are the API's defaults (the SDK types require them;
 * clients read the output, usage and status).
 */
export function responseEnvelope(id: string, model: string, created: number, status: string): Json {
  return {
    id,
    object: "response",
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    metadata: {},
    model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: null,
  };
}

/** The envelope's ending: status, incomplete_details, usage. */
export function finalFields(stop: HubStopReason, usage: Partial<HubUsage> | undefined): Json {
  const reason = incompleteReason(stop);
  return {
    status: reason ? "incomplete" : "completed",
    incomplete_details: reason ? { reason } : null,
    usage: responsesUsage(usage),
  };
}

export function outputText(text: string): Json {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function reasoningItem(id: string, text: string, encrypted: string | undefined, status: string): Json {
  return {
    id,
    type: "reasoning",
    summary: text ? [{ type: "summary_text", text }] : [],
    ...(encrypted ? { encrypted_content: encrypted } : {}),
    status,
  };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): Json {
  return { id, type: "function_call", call_id: callId, name, arguments: args, status };
}

export function messageItem(id: string, content: Json[], status: string): Json {
  return { id, type: "message", role: "assistant", status, content };
}

/**
 * Consecutive text and refusal parts share one message item; thinking and tool
 * calls are items of their own. `body`: the client's request, whose tools say
 * which calls are custom (freeform) or namespaced (tools.ts).
 */
export function renderResponsesResponse(response: HubResponse, model: string, body?: Json): Json {
  const names = clientToolNames(body);
  const output: Json[] = [];
  let message: Json[] | undefined;
  for (const part of response.parts) {
    if (part.kind === "text" || part.kind === "refusal") {
      if (!message) {
        message = [];
        output.push(messageItem(itemId("msg"), message, "completed"));
      }
      message.push(part.kind === "text" ? outputText(part.text) : { type: "refusal", refusal: part.text });
      continue;
    }
    message = undefined;
    if (part.kind === "thinking") output.push(reasoningItem(itemId("rs"), part.text, encryptedContent(part), "completed"));
    else if (part.kind === "tool_call") output.push(toolCallItem(itemId(names.get(part.name)?.custom ? "ctc" : "fc"), part.id, part.name, part.arguments, "completed", names));
  }
  return {
    ...responseEnvelope(responseId(response.id), model, response.created, "completed"),
    output,
    ...finalFields(response.stopReason, response.usage),
  };
}

// ------------------------------------------------------------- upstream → hub

export function errorText(error: unknown): string | undefined {
  if (!isObject(error)) return undefined;
  return typeof error.message === "string" ? error.message : undefined;
}

/** A reasoning item's text: its summary, or (open-weight models) its reasoning_text content. */
export function reasoningText(item: Json): string {
  const pieces = (list: unknown, type: string) =>
    (Array.isArray(list) ? list : []).filter((part) => isObject(part) && part.type === type && typeof part.text === "string").map((part) => part.text as string);
  const summary = pieces(item.summary, "summary_text");
  return (summary.length > 0 ? summary : pieces(item.content, "reasoning_text")).join("\n\n");
}

/** The hub parts of one output item; hosted-tool items (never asked for) have none. */
export function itemParts(item: unknown): HubPart[] {
  if (!isObject(item)) return [];
  if (item.type === "message" && Array.isArray(item.content)) {
    return item.content.flatMap((part): HubPart[] => {
      if (!isObject(part)) return [];
      if (part.type === "output_text" && typeof part.text === "string") return [{ kind: "text", text: part.text }];
      if (part.type === "refusal" && typeof part.refusal === "string") return [{ kind: "refusal", text: part.refusal }];
      return [];
    });
  }
  if (item.type === "function_call" && typeof item.name === "string") {
    const id = typeof item.call_id === "string" ? item.call_id : String(item.id ?? "");
    return [{ kind: "tool_call", id, name: item.name, arguments: typeof item.arguments === "string" ? item.arguments : "" }];
  }
  if (item.type === "reasoning") {
    const encrypted = typeof item.encrypted_content === "string" && item.encrypted_content ? { encrypted: item.encrypted_content } : {};
    return [{ kind: "thinking", text: reasoningText(item), ...encrypted }];
  }
  return [];
}

export function stopReasonOf(status: unknown, incomplete: unknown, parts: HubPart[]): HubStopReason {
  if (status === "incomplete") return stopFromIncomplete(isObject(incomplete) ? incomplete.reason : undefined);
  if (parts.some((part) => part.kind === "tool_call")) return "tool_calls";
  if (parts.some((part) => part.kind === "refusal") && !parts.some((part) => part.kind === "text")) return "refusal";
  return "end";
}

export function parseResponsesResponse(body: unknown): HubResponse | HubProblem {
  if (!isObject(body)) return { problem: "the upstream answer is not a Response object" };
  if (body.status === "failed" || body.status === "cancelled" || isObject(body.error)) {
    return { problem: errorText(body.error) ?? `the upstream response ${String(body.status ?? "failed")}` };
  }
  const parts = (Array.isArray(body.output) ? body.output : []).flatMap(itemParts);
  return {
    id: typeof body.id === "string" ? body.id : responseId(undefined),
    model: typeof body.model === "string" ? body.model : "",
    created: typeof body.created_at === "number" ? body.created_at : Math.floor(Date.now() / 1000),
    parts,
    stopReason: stopReasonOf(body.status, body.incomplete_details, parts),
    usage: hubUsage(body.usage),
  };
}
