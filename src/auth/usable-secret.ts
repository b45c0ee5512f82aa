// Turning a stored credential into the secret a request sends (spec §2.6
// resolveApiKeyForProfile): inline values or SecretRefs, expired tokens and
// OAuth access tokens refused. Refreshing OAuth is the gateway's
// (gateway/oauth-access.ts), which plans refreshable logins itself.
import { readFileSync } from "node:fs";
import type { EnvChain } from "../state/env-chain.ts";
import { registerSecret } from "./redact.ts";
import type { Credential, SecretRef } from "./store-schema.ts";

/** A secret ready to send, and what kind of credential it is (that decides the header). */
export interface UsableSecret {
  secret: string;
  kind: "api_key" | "token" | "oauth";
  /** OpenAI Codex logins: the ChatGPT account the token belongs to (sent as `chatgpt-account-id`). */
  accountId?: string;
}

/** `${VAR}` written inline counts as an env reference, as in OpenClaw. */
function inlineEnvRef(value: string | undefined): string | undefined {
  return /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(value?.trim() ?? "")?.[1];
}

function resolveRef(ref: SecretRef, env: EnvChain): string | undefined {
  if (ref.source === "env") return env.value(ref.id)?.trim() || undefined;
  if (ref.source === "file") {
    try {
      return readFileSync(ref.id, "utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined; // exec refs are not supported yet
}

function resolveValue(inline: string | undefined, ref: SecretRef | undefined, env: EnvChain): string | undefined {
  const envName = inlineEnvRef(inline);
  const value = envName ? env.value(envName)?.trim() : ref ? resolveRef(ref, env) ?? inline?.trim() : inline?.trim();
  if (value) registerSecret(value);
  return value || undefined;
}

/** The secret to send for a profile, or undefined when it cannot be used now. */
export function usableSecret(credential: Credential, env: EnvChain, now: number): UsableSecret | undefined {
  if (credential.type === "api_key") {
    const secret = resolveValue(credential.key, credential.keyRef, env);
    return secret ? { secret, kind: "api_key" } : undefined;
  }
  if (credential.type === "token") {
    if (typeof credential.expires === "number" && credential.expires > 0 && now >= credential.expires) return undefined;
    const secret = resolveValue(credential.token, credential.tokenRef, env);
    return secret ? { secret, kind: "token" } : undefined;
  }
  const expired = typeof credential.expires === "number" && credential.expires > 0 && now >= credential.expires;
  const access = credential.access?.trim();
  return access && !expired ? { secret: access, kind: "oauth" } : undefined;
}
