// One model request on its way through the gateway: what the steps of the
// pipeline (pipeline.ts) read and add to, one object per request. Each field
// is set by the step named beside it and read only by later steps.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModelRef, ModelSettings } from "../providers/model-ref.ts";
import type { ProviderSpec } from "../providers/registry.ts";
import type { UpstreamPools } from "../providers/upstream.ts";
import type { WireApi } from "../providers/adapters/adapter.ts";
import type { ApiFormat } from "./api-errors.ts";
import type { ChatRequest } from "./attempt-result.ts";
import type { CredentialChoice, CredentialFilter } from "./candidates.ts";
import type { ClientAbort } from "./client-abort.ts";
import type { NothingWorked } from "./final-error.ts";
import type { GatewaySnapshot, LiveState } from "./live-state.ts";
import type { ResponseItemMemory } from "./response-items.ts";
import type { SessionStore } from "../state/session-store.ts";

/** How a request ended, for the request log. */
export interface DispatchOutcome {
  status: number;
  model?: string;
  profile?: string;
  /** The model the client asked for, when a fallback served it. */
  fallbackFor?: string;
  /** Attempts that failed over before the answer, for the request log. */
  failed?: string[];
  /** Something the log should say about how the answer ended (e.g. an upstream that broke off). */
  note?: string;
}

/** What every request can use: the live state, the upstream pools, the gateway's own rules. */
export interface GatewayDeps {
  state: LiveState;
  pools: UpstreamPools;
  /** Whether a credential may be sent upstream at all (the gateway's own token never is). */
  allowCredential: CredentialFilter;
  tokenMatches: (token: string | undefined) => boolean;
  maxBodyBytes: number;
  /** Items of our own Responses answers, for clients that refer to them (response-items.ts). */
  responseItems: ResponseItemMemory;
  /** Chat sessions: their `/model` choices and pins (state/session-store.ts). */
  sessions: SessionStore;
  log: (line: string) => void;
}

/** A model route: the error format its clients read and the wire API they speak. */
export interface ModelRoute {
  path: string;
  format: ApiFormat;
  api: WireApi;
  /** POST /v1/messages/count_tokens: the input is counted, not answered. */
  countTokens?: boolean;
}

/** The model a request asked for, checked: its candidates are this model and (for the primary) its fallbacks. */
export interface Target {
  requested: ModelRef;
  /** The requested model, then (for the primary) its fallbacks: the models that may serve the request. */
  candidates: readonly ModelRef[];
  /** `model@profile`: this profile serves the requested model and never rotates. */
  pin: string | undefined;
  settings: ModelSettings;
  providerSpec: (id: string) => ProviderSpec | undefined;
}

/** One credential of one candidate model, to try in this order. */
export interface Candidate {
  model: ModelRef;
  /** `provider/model`, for headers and logs. */
  modelKey: string;
  spec: ProviderSpec;
  /** The model the client asked for, when this candidate is a fallback. */
  fallbackFor: string | undefined;
  choice: CredentialChoice;
}

export interface Exchange {
  readonly deps: GatewayDeps;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: ModelRoute;
  /** Aborted when the client leaves; handed to the upstream request. */
  readonly signal: ClientAbort;
  /** read-request.ts */
  request?: ChatRequest;
  /** session.ts: the model a session's `/model` choice puts in place of the request's (`provider/model[@profile]`). */
  sessionModel?: string;
  /** session.ts: the profile a session prefers (its auto pin): tried first, rotated away from on failure. */
  preferredProfile?: string;
  /** session.ts: told how the request ended, to remember what served the session. */
  afterAnswer?: (outcome: DispatchOutcome) => void;
  /** resolve-target.ts: the state this request is served from, whatever reloads meanwhile. */
  snapshot?: GatewaySnapshot;
  /** resolve-target.ts */
  target?: Target;
  /** choose-credentials.ts: lazily planned, model by model, so a fallback costs nothing until it is needed. */
  candidates?: Iterable<Candidate | DispatchOutcome>;
  /** Why nothing served the request, gathered while planning and attempting. */
  readonly nothingWorked: NothingWorked;
}
