// One-line descriptions of a stored credential that never show the secret
// (spec §3.1 label forms), shared by status, list and the gateway.
import { maskSecret } from "./mask.ts";
import type { Credential, SecretRef } from "./store-schema.ts";
import type { UnusableWindow } from "./usage.ts";
import { formatRemainingShort } from "./health.ts";

function refLabel(ref: SecretRef): string {
  return `ref(${ref.source}:${ref.id})`;
}

/** `sk-ant-a...4a3VMG8a`, `token:sk-ant-o...NFkb6FAA`, `OAuth (me@x.com)`, `ref(env:VAR)`. */
export function credentialLabel(credential: Credential): string {
  switch (credential.type) {
    case "api_key":
      return !credential.key && credential.keyRef ? refLabel(credential.keyRef) : maskSecret(credential.key);
    case "token":
      return `token:${!credential.token && credential.tokenRef ? refLabel(credential.tokenRef) : maskSecret(credential.token)}`;
    case "oauth":
      return credential.email ? `OAuth (${credential.email})` : "OAuth";
  }
}

/** ` [cooldown 4m]`, ` [disabled:billing 5h]`, ` [cooldown 1m: claude-opus-4-6]`, or nothing while usable. */
export function unusableSuffix(...windows: (UnusableWindow | undefined)[]): string {
  return windows
    .filter((window): window is UnusableWindow => window !== undefined)
    .map((window) => {
      const kind = window.kind === "disabled" ? `disabled${window.reason ? `:${window.reason}` : ""}` : "cooldown";
      return ` [${kind} ${formatRemainingShort(window.remainingMs)}${window.model ? `: ${window.model}` : ""}]`;
    })
    .join("");
}
