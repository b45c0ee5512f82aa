// What one attempt at an upstream request can come to, shared by the code that
// sends it (forward.ts), relays its answer (relay.ts) and decides what next (steps/attempt-candidates.ts).
import type { FailureReason } from "../auth/failure-reason.ts";
import { redactSecrets } from "../auth/redact.ts";
import type { WireApi } from "../providers/adapters/adapter.ts";
import type { HubProblem, HubRequest } from "../providers/adapters/hub.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import type { ClientHints } from "../providers/wire.ts";
import type { ApiFormat } from "./api-errors.ts";
import type { ClientAbort } from "./client-abort.ts";

export interface ChatRequest {
  /** The error format the client reads (the API family it called). */
  format: ApiFormat;
  /** The wire API the client called (its route). */
  api: WireApi;
  /** The request in the hub form, once parsed for a provider of another API (translation.ts). */
  hub?: HubRequest | HubProblem;
  /** The body last built for another API, kept from the fit check (candidate-fit.ts) to the attempt. */
  built?: { spec: ProviderSpec; model: string; body: string };
  body: Record<string, unknown>;
  /** The body's bytes as the client sent them, when there are any (forwarded as they are to a provider of the same format). */
  raw?: Buffer;
  stream: boolean;
  hints: ClientHints;
  /** Aborted when the client leaves; handed to the upstream request. */
  signal: ClientAbort;
  /** POST /v1/messages/count_tokens: the input is counted, not answered (count-tokens.ts). */
  countTokens?: boolean;
}

export type AttemptResult =
  /** `cut`: the upstream broke off after part of the answer reached the client (who got an error event). */
  | { kind: "sent"; status: number; cut?: string }
  /** The upstream refused the request itself (e.g. 400): retrying elsewhere would not help. `body` is set when it can be relayed as is. */
  | { kind: "rejected"; status: number; message: string; body?: string; contentType?: string }
  /** `upstreamFault`: the provider (or something in front of it) broke the protocol; not the credential's doing. */
  | { kind: "failed"; reason: FailureReason; status?: number; message: string; retryAfterMs?: number; claudeCodeOnly?: boolean; upstreamFault?: boolean }
  /** The client left. `answered`: the upstream had already answered (the credential worked). */
  | { kind: "aborted"; answered: boolean };

export function providerFormat(spec: ProviderSpec): ApiFormat {
  return spec.api === "anthropic-messages" ? "anthropic" : "openai";
}

/** The provider speaks the client's own API: bytes pass through both ways. */
export function speaksClientApi(spec: ProviderSpec, request: ChatRequest): boolean {
  return spec.api === request.api;
}

/** A failure that is the provider's (or a proxy's) fault, said with where to look. */
export function upstreamFault(spec: ProviderSpec, what: string): AttemptResult {
  return {
    kind: "failed",
    reason: "unknown",
    upstreamFault: true,
    message: redactSecrets(`${spec.id} ${what}; check models.providers.${spec.id}.baseUrl (${shownUrl(spec.baseUrl)}) and any proxy in between`),
  };
}

/** A base URL as it may be shown to a client or a log: no user:password and no query (either can carry a key). */
export function shownUrl(url: string, base?: string): string {
  try {
    const parsed = new URL(url, base);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/$/, "");
  } catch {
    return "(not a valid URL)";
  }
}

