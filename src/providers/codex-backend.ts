// The ChatGPT Codex backend (`openai-codex`, `https://chatgpt.com/backend-api/codex`):
// OpenAI's Responses API for ChatGPT logins, with rules of its own
// (spec §4.2; what OpenAI's own Codex CLI sends, minus its identity):
// - headers: the login's account (`chatgpt-account-id`), `OpenAI-Beta:
//   responses=experimental`, and `originator: openclaw` (we never pass for
//   `codex_cli_rs` or `pi`, DESIGN §4.4);
// - it refuses `store: true` (and a missing `store`), `stream: false`, and a set of
//   sampling/bookkeeping parameters by name: the body always says `store: false`,
//   `stream: true`, and those parameters are dropped;
// - so a client that did not ask for a stream gets the streamed answer assembled
//   into one Responses object (`assembleStreamedResponse`).
import type { UsableSecret } from "../auth/usable-secret.ts";
import type { ProviderSpec } from "./registry.ts";
import { SseParser } from "./sse.ts";
import { readCapped, type CappedBody, type UpstreamResponse } from "./upstream.ts";

export const CODEX_PROVIDER_ID = "openai-codex";

/** Parameters the backend answers `400 Unsupported parameter: …` to. */
const REFUSED_PARAMETERS = [
  "temperature",
  "top_p",
  "max_output_tokens",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "metadata",
  "top_logprobs",
  "truncation",
  "service_tier",
  "stream_options",
  "user",
  "context_management",
  "response_format",
];

export function isCodexBackend(spec: Pick<ProviderSpec, "id">): boolean {
  return spec.id === CODEX_PROVIDER_ID;
}

/** The backend's own headers, added to the usual Bearer token. */
export function addCodexHeaders(headers: Record<string, string>, credential: UsableSecret): void {
  if (credential.accountId) headers["chatgpt-account-id"] = credential.accountId;
  headers["openai-beta"] = "responses=experimental";
  headers["originator"] = "openclaw";
}

/** The Responses body as the backend takes it: never stored, always streamed, without the parameters it refuses. */
export function codexRequestBody(body: string | Buffer): string {
  const parsed = JSON.parse(typeof body === "string" ? body : body.toString("utf8")) as Record<string, unknown>;
  for (const name of REFUSED_PARAMETERS) delete parsed[name];
  parsed["store"] = false;
  parsed["stream"] = true;
  return JSON.stringify(parsed);
}

const FINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);

/**
 * A streamed Responses answer as the one JSON object a non-streaming client
 * expects: the final event's `response`, with its output filled from the
 * `response.output_item.done` events when the backend left it empty (it does
 * when nothing is stored). A stream without a final event is not an answer.
 */
export async function assembleStreamedResponse(body: UpstreamResponse["body"], limit: number): Promise<CappedBody> {
  const { bytes, truncated } = await readCapped(body, limit);
  if (truncated) return { bytes, truncated };
  const parser = new SseParser();
  const items: { index: number; item: unknown }[] = [];
  let final: Record<string, unknown> | undefined;
  for (const event of [...parser.push(bytes.toString("utf8")), ...parser.end()]) {
    if (!event.data || event.data === "[DONE]") continue;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    const type = typeof data["type"] === "string" ? data["type"] : event.event;
    if (type === "response.output_item.done" && data["item"] !== undefined) items.push({ index: Number(data["output_index"] ?? items.length), item: data["item"] });
    else if (type && FINAL_EVENTS.has(type) && typeof data["response"] === "object" && data["response"] !== null) final = data["response"] as Record<string, unknown>;
  }
  if (!final) return { bytes: Buffer.alloc(0), truncated: false };
  const output = final["output"];
  if (!Array.isArray(output) || output.length === 0) final["output"] = items.sort((a, b) => a.index - b.index).map((entry) => entry.item);
  return { bytes: Buffer.from(JSON.stringify(final)), truncated: false };
}
