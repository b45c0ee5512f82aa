// The shape of a provider descriptor: everything the code knows about one
// provider, as plain data (DESIGN §3 "one descriptor per provider"). No code,
// no classes, no compiled regexes: the `models status --check` bundle loads
// every descriptor at start-up, so they must cost no more than object literals.

/** The request format a provider speaks. The gateway speaks the first two today. */
export type WireApi = "anthropic-messages" | "openai-completions" | "openai-responses" | "google-generative-ai";

export type ModelInput = "text" | "image";

export interface DescriptorModel {
  id: string;
  name: string;
  input: readonly ModelInput[];
  contextWindow: number;
  /** OpenClaw's built-in short name for this model (`opus`), if it has one. */
  alias?: string;
}

/** A literal start that tells, at paste time, what kind of credential was pasted. */
export interface SecretPrefix {
  prefix: string;
  kind: "api_key" | "token";
  /** With its article, for "This is <label>, not …": `an Anthropic API key`. */
  label: string;
  /** The command(s) that store this kind, for "…; store it with <storeWith>." */
  storeWith: string;
}

export interface ProviderDescriptor {
  /** The normalized id (lower case), as in `anthropic:default` and `anthropic/claude-…`. */
  id: string;
  /** Other spellings OpenClaw accepts for the id (normalizeProviderId maps them to `id`). */
  aliases: readonly string[];
  /** What the provider speaks. Load-bearing only together with `defaultBaseUrl`. */
  wireApi: WireApi;
  /**
   * The public endpoint; with it (and a wire API the gateway speaks) the provider is
   * built in, i.e. usable without `models.providers.<id>.baseUrl`. Anthropic: the
   * origin; OpenAI-style: up to `/v1`. Absent: only a configured base URL reaches it.
   */
  defaultBaseUrl?: string;
  /** Single-key environment variables, in the order OpenClaw tries them (spec §2.5). */
  envKeys: readonly string[];
  /** `<P>` in `<P>_API_KEYS`, `<P>_API_KEY_*`, `OPENCLAW_LIVE_<P>_KEY`; default: the id upper-cased, `-` → `_`. */
  envPrefix?: string;
  /** Variables holding a list of keys for rotation; default `[<P>_API_KEYS]`. */
  envKeyLists?: readonly string[];
  /** Tried after every other form, for rotation only; not imported from the login shell. */
  envFallbackKeys?: readonly string[];
  /** `models status` looks for this provider's env keys even when nothing else mentions it. */
  statusChecksEnv?: boolean;
  /** Models we know without asking anyone (`models list`, probes, `/v1/models`). */
  catalog: readonly DescriptorModel[];
  secretShapes: {
    /** Regex sources (no anchors, no flags) of this provider's secrets in free text: masked wherever they appear. */
    redact: readonly string[];
    prefixes: readonly SecretPrefix[];
  };
  setupHints: {
    /** Offered by name in `models auth add`'s provider picker (any other id is typed in). */
    inAuthAddPicker?: boolean;
    /** `models auth add`'s credential methods, when not "API key" and "paste token". */
    authMethods?: readonly { value: "api-key" | "setup-token" | "token"; label: string }[];
    /** `models status` "Missing auth" line; default: paste-api-key, or set the first env key. */
    missingAuth?: string;
  };
  /** Routes across its own upstreams, so its profiles are never cooled down (OpenClaw). */
  bypassesCooldown?: boolean;
  /** The output-token limit's name in an OpenAI-style request when `max_tokens` is refused. */
  maxTokensField?: "max_completion_tokens";
}
