// The API-key step (spec §3.5 resolveNonInteractiveApiKey): where the key comes
// from (the flag, else the provider's env var, else an existing api_key profile),
// and how it is stored: the value itself, or with --secret-input-mode ref an env
// reference (`keyRef {source:"env", provider:"default", id:<ENV>}`) whose value
// lives in the environment or in ~/.openclaw/.env.
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { registerSecret } from "../../../auth/redact.ts";
import type { Credential } from "../../../auth/store-schema.ts";
import type { CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printLine } from "../../io.ts";
import { parsePastedSecret } from "../../secret-input.ts";
import { apiKeyProblem } from "../auth/paste-api-key.ts";
import { saveCredential } from "../auth/save-credential.ts";
import { dotenvPath, upsertDotenvVar } from "./env-file.ts";

export type SecretInputMode = "plaintext" | "ref";

export function parseSecretInputMode(raw: string | undefined): SecretInputMode {
  if (raw === undefined || raw === "plaintext") return "plaintext";
  if (raw === "ref") return "ref";
  throw new UsageError('Invalid --secret-input-mode. Use "plaintext" or "ref".');
}

/** Where a key was found. */
export type KeySource =
  | { kind: "flag"; value: string }
  | { kind: "env-ref"; envVar: string }
  | { kind: "env"; envVar: string; value: string; label: string; fromProcess: boolean }
  | { kind: "profile"; profileId: string };

const INLINE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** A value given on the command line, cleaned like a pasted one (quotes, `NAME=`, `Bearer `); an inline `${VAR}` stays a reference. */
export function keyFromFlag(raw: string, noun: string, provider: string): KeySource {
  const trimmed = raw.trim();
  const inline = INLINE_REF.exec(trimmed);
  if (inline) return { kind: "env-ref", envVar: inline[1]! };
  const parsed = parsePastedSecret(trimmed, noun);
  if (!parsed.ok) throw new UsageError(parsed.problem, "Nothing was stored.");
  registerSecret(parsed.secret);
  const problem = apiKeyProblem(provider, parsed.secret);
  if (problem) throw new UsageError(problem, "Nothing was stored.");
  return { kind: "flag", value: parsed.secret };
}

/** The first api_key profile of the provider, in the store's order override, then in file order. */
export async function existingApiKeyProfile(cc: CommandContext, provider: string): Promise<string | undefined> {
  const view = await cc.backend.read(cc.agent.id);
  const profiles = view.own.store.profiles;
  const ids = [...(view.own.store.order?.[provider] ?? []), ...Object.keys(profiles)];
  return ids.find((id) => {
    const credential = profiles[id];
    return credential?.type === "api_key" && normalizeProviderId(credential.provider) === provider && Boolean(credential.key?.trim() || credential.keyRef);
  });
}

export interface ApiKeyRequest {
  provider: string;
  /** The flag's value, if given. */
  flagValue: string | undefined;
  /** e.g. `--anthropic-api-key`, for the error. */
  flagName: string;
  envVar: string;
}

/** Spec §3.5: the flag, then the env var, then an existing profile; otherwise the spec's error. */
export async function resolveApiKey(cc: CommandContext, request: ApiKeyRequest): Promise<KeySource> {
  if (request.flagValue !== undefined && request.flagValue.trim() !== "") return keyFromFlag(request.flagValue, "API key", request.provider);
  const fromEnv = cc.ctx.env.get(request.envVar);
  if (fromEnv && fromEnv.value.trim()) {
    registerSecret(fromEnv.value.trim());
    return { kind: "env", envVar: request.envVar, value: fromEnv.value.trim(), label: fromEnv.source, fromProcess: fromEnv.origin === "process" };
  }
  const profileId = await existingApiKeyProfile(cc, request.provider);
  if (profileId) return { kind: "profile", profileId };
  throw new UsageError(`Missing ${request.flagName} (or ${request.envVar} in env, or existing ${request.provider} API-key profile).`);
}

/**
 * Stores the key found as `profileId` and says where it went. A key that is
 * already a profile is left alone. In ref mode a key given on the command line
 * is written to ~/.openclaw/.env, so the reference resolves for the daemon too.
 */
export async function storeApiKey(cc: CommandContext, provider: string, profileId: string, source: KeySource, mode: SecretInputMode, envVar: string): Promise<void> {
  if (source.kind === "profile") {
    printLine(cc.io, `Using the existing API-key profile ${source.profileId} for ${provider}.`);
    return;
  }
  let credential: Credential;
  if (source.kind === "env-ref") {
    credential = { type: "api_key", provider, keyRef: { source: "env", provider: "default", id: source.envVar } };
  } else if (mode === "ref") {
    if (source.kind === "flag") {
      const path = await upsertDotenvVar(cc.io.env, envVar, source.value);
      printLine(cc.io, `Saved ${envVar} to ${cc.ctx.display(path)}`);
    }
    credential = { type: "api_key", provider, keyRef: { source: "env", provider: "default", id: source.kind === "flag" ? envVar : source.envVar } };
  } else {
    credential = { type: "api_key", provider, key: source.value };
  }
  if (source.kind === "env") printLine(cc.io, `Using ${source.envVar} from ${source.label.replace(/: .*$/, "")}${mode === "ref" ? " (stored as a reference)" : ""}.`);
  await saveCredential(cc, profileId, credential, "api_key");
  if (source.kind === "env" && mode === "ref" && source.fromProcess) {
    // The reference resolves where the gateway runs: a service does not inherit this shell.
    printLine(cc.io, `Note: ${source.envVar} is only in this shell's environment; a gateway started as a service needs it too (e.g. in ${cc.ctx.display(dotenvPath(cc.io.env))}).`);
  }
}
