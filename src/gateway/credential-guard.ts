// The gateway token is a key to this gateway, not to a provider. People often
// point tools at a proxy by setting e.g. ANTHROPIC_API_KEY to the proxy's
// token; if the gateway then read that variable as a provider key, it would
// send its own token upstream. It never does: such a credential is skipped,
// with a warning said once per source.
import type { CredentialFilter } from "./candidates.ts";

export function withoutGatewayToken(token: string, warn: (line: string) => void): CredentialFilter {
  const warned = new Set<string>();
  return (choice) => {
    if (choice.secret.secret !== token) return true;
    if (!warned.has(choice.source)) {
      warned.add(choice.source);
      warn(`Warning: ${choice.source} holds the gateway's own token, which is never sent to a provider; skipped. Set the provider's real key there (the gateway token belongs only in clients).`);
    }
    return false;
  };
}
