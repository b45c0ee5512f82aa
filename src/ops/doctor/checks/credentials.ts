// Stored credentials: expired / expiring / missing expiry, cooldowns and
// disables (OpenClaw's doctor texts, spec §3.4), and configured models whose
// provider has no credential at all (the `models status` evaluation).
import { formatRemainingShort, profileHealth, DEFAULT_WARN_MS } from "../../../auth/health.ts";
import { unusableWindow } from "../../../auth/usage.ts";
import { ownValue } from "../../../state/own-keys.ts";
import { resolveAgent } from "../../../state/agents.ts";
import { buildStatusReport } from "../../status-report.ts";
import type { Check, Finding } from "../types.ts";


/** OpenClaw's hint per disable reason (spec §3.4). */
function cooldownHint(kind: "cooldown" | "disabled", reason: string | undefined): string {
  if (kind === "cooldown") return "Wait for cooldown or switch provider.";
  if (reason === "billing") return "Top up credits (provider billing) or switch provider.";
  if (reason === "auth_permanent" || reason === "auth") return "Refresh or replace credentials, then retry.";
  return "Wait for it to end or switch provider.";
}

export const credentialsCheck: Check = {
  name: "credentials",
  run(inputs) {
    const findings: Finding[] = [];
    const { now, ctx } = inputs;
    for (const agent of inputs.agents) {
      const view = inputs.views.get(agent.id);
      if (!view) continue;
      const suffix = agent.isDefault ? "" : ` (agent ${agent.id})`;
      for (const [profileId, credential] of Object.entries(view.merged.profiles)) {
        // A sub-agent's read-through profiles are the default agent's, reported there.
        if (!agent.isDefault && view.isInherited(profileId)) continue;
        const health = profileHealth(profileId, credential, now, DEFAULT_WARN_MS);
        if (health.status === "expired" || health.status === "expiring" || health.status === "missing") {
          const fix =
            credential.type === "oauth"
              ? "openclaw models auth add"
              : credential.provider === "anthropic"
                ? "openclaw models auth setup-token"
                : `openclaw models auth paste-token --provider ${credential.provider} --profile-id ${profileId}`;
          const when = health.status === "missing" ? "no expiry recorded" : formatRemainingShort(health.remainingMs);
          findings.push({
            id: `credentials.${health.status}:${agent.id}:${profileId}`,
            group: "Model auth",
            severity: health.status === "expiring" ? "warn" : "error",
            text: `${profileId}${suffix}: ${health.status} (${when}) — Re-auth via \`${fix}\`.`,
            fix,
          });
        }
        const window = unusableWindow(profileId, credential.provider, ownValue(view.merged.usageStats, profileId), now);
        if (window) {
          const label = window.kind === "disabled" ? `disabled${window.reason ? `:${window.reason}` : ""}` : "cooldown";
          findings.push({
            id: `credentials.${window.kind}:${agent.id}:${profileId}`,
            group: "Auth profile cooldowns",
            severity: window.kind === "disabled" && (window.reason === "auth_permanent" || window.reason === "auth") ? "error" : "warn",
            text: `${profileId}${suffix}: ${label} (${formatRemainingShort(window.remainingMs)}) — ${cooldownHint(window.kind, window.reason)}`,
          });
        }
      }
      if (!ctx) continue;
      const report = buildStatusReport({ ctx, agent: resolveAgent(ctx, agent.id), view, explicitAgent: !agent.isDefault, now });
      for (const provider of report.auth.missingProvidersInUse) {
        findings.push({
          id: `credentials.no-auth:${agent.id}:${provider}`,
          group: "Model auth",
          severity: "error",
          text: `Provider ${provider}${suffix} is used by a configured model (default or fallback) but has no credential (no profile, no env key, no models.providers key).`,
          fix: `openclaw models auth paste-api-key --provider ${provider}`,
        });
      }
    }
    return findings;
  },
};
