// An answer the gateway writes itself (a chat command's reply), in the API the
// request came in on, whole or streamed: the client side of that API's adapter
// renders it from the hub form, as it renders a translated provider's answer.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { ADAPTERS } from "../providers/adapters/index.ts";
import type { HubResponse, HubStreamEvent } from "../providers/adapters/hub.ts";
import type { ChatRequest } from "./attempt-result.ts";

/** Writes `text` as an assistant reply from `model`; `headers` are sent with it (x-openclaw-*). */
export function sendLocalReply(res: ServerResponse, request: ChatRequest, model: string, text: string, headers: Record<string, string>): void {
  const client = ADAPTERS[request.api].client!;
  const id = `local-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { inputTokens: 0, outputTokens: 0 };
  if (!request.stream) {
    const response: HubResponse = { id, model, created, parts: [{ kind: "text", text }], stopReason: "end", usage };
    const body = JSON.stringify(client.renderResponse(response, model, request.body));
    res.writeHead(200, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const encoder = client.streamEncoder(model, request.body);
  const events: HubStreamEvent[] = [
    { type: "start", id, model, created, usage },
    { type: "part_start", index: 0, part: { kind: "text" } },
    { type: "text_delta", index: 0, text },
    { type: "part_stop", index: 0 },
    { type: "finish", stopReason: "end", usage },
  ];
  res.writeHead(200, { ...headers, "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.end(events.map((event) => encoder.encode(event)).join("") + encoder.end());
}
