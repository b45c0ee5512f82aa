// `openclaw onboard` flags (spec §3.5) and which auth choice they mean.
import { UsageError } from "../../errors.ts";

export interface OnboardOptions {
  nonInteractive?: boolean;
  acceptRisk?: boolean;
  authChoice?: string;
  anthropicApiKey?: string;
  openaiApiKey?: string;
  openrouterApiKey?: string;
  tokenProvider?: string;
  token?: string;
  tokenProfileId?: string;
  tokenExpiresIn?: string;
  customBaseUrl?: string;
  customApiKey?: string;
  customModelId?: string;
  customProviderId?: string;
  customCompatibility?: string;
  secretInputMode?: string;
  installDaemon?: boolean;
  gatewayPort?: string;
  gatewayToken?: string;
  agent?: string;
}

export interface ApiKeyChoice {
  provider: string;
  flagName: string;
  option: "anthropicApiKey" | "openaiApiKey" | "openrouterApiKey";
  envVar: string;
}

export const API_KEY_CHOICES: Readonly<Record<string, ApiKeyChoice>> = {
  apiKey: { provider: "anthropic", flagName: "--anthropic-api-key", option: "anthropicApiKey", envVar: "ANTHROPIC_API_KEY" },
  "openai-api-key": { provider: "openai", flagName: "--openai-api-key", option: "openaiApiKey", envVar: "OPENAI_API_KEY" },
  "openrouter-api-key": { provider: "openrouter", flagName: "--openrouter-api-key", option: "openrouterApiKey", envVar: "OPENROUTER_API_KEY" },
};

export type AuthChoice = { kind: "api-key"; choice: string; spec: ApiKeyChoice } | { kind: "token" } | { kind: "custom" } | { kind: "skip" };

const SUPPORTED = ["apiKey", "token", "openai-api-key", "openrouter-api-key", "custom-api-key", "skip"];
const OAUTH_CHOICES = new Set(["openai-codex", "chutes", "qwen-portal", "minimax-portal", "github-copilot", "google-gemini-cli", "copilot-proxy"]);

/** OpenClaw infers the choice from the credential flags when --auth-choice is not given. */
function inferChoice(options: OnboardOptions): string {
  const given = [
    ...Object.entries(API_KEY_CHOICES)
      .filter(([, spec]) => options[spec.option] !== undefined)
      .map(([choice]) => choice),
    ...(options.token !== undefined ? ["token"] : []),
    ...(options.customBaseUrl !== undefined ? ["custom-api-key"] : []),
  ];
  if (given.length === 1) return given[0]!;
  if (given.length > 1) throw new UsageError("Several credentials given; choose one with --auth-choice.", `--auth-choice ${SUPPORTED.join("|")}`);
  throw new UsageError("Missing --auth-choice.", `Use --auth-choice ${SUPPORTED.join("|")} (skip stores no credential).`);
}

export function parseAuthChoice(options: OnboardOptions): AuthChoice {
  const choice = options.authChoice ?? inferChoice(options);
  const apiKey = API_KEY_CHOICES[choice];
  if (apiKey && Object.hasOwn(API_KEY_CHOICES, choice)) return { kind: "api-key", choice, spec: apiKey };
  // "oauth" is a legacy alias of "token" (spec §3.5).
  if (choice === "token" || choice === "oauth") return { kind: "token" };
  if (choice === "custom-api-key") return { kind: "custom" };
  if (choice === "skip") return { kind: "skip" };
  if (choice === "claude-cli" || choice === "codex-cli") {
    throw new UsageError(`Auth choice "${choice}" is deprecated.`, 'Use "--auth-choice token" (Anthropic setup-token) or "--auth-choice openai-codex".');
  }
  if (choice === "setup-token") {
    throw new UsageError('Auth choice "setup-token" requires interactive mode.', 'Use "--auth-choice token" with --token and --token-provider anthropic.');
  }
  if (OAUTH_CHOICES.has(choice)) {
    throw new UsageError("OAuth requires interactive mode.", "This build has no OAuth login yet either: use an API key (--auth-choice apiKey|openai-api-key|openrouter-api-key) or --auth-choice token.");
  }
  const provider = /^(.+)-api-key$/.exec(choice)?.[1];
  if (provider) {
    throw new UsageError(`Auth choice "${choice}" is not supported by this onboard yet.`, `Store the key with: openclaw models auth paste-api-key --provider ${provider}`);
  }
  throw new UsageError(`Unknown --auth-choice "${choice}".`, `Use one of: ${SUPPORTED.join(", ")}.`);
}
