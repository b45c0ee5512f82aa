// The gateway's own token: missing (OpenClaw's wording), weak, or the same
// string as a provider credential (then every gateway client holds that key).
import { ENV_KEY_PROVIDERS, listEnvCredentials } from "../../../auth/env-keys.ts";
import type { Check, DoctorInputs, Finding } from "../types.ts";

const GROUP = "Gateway auth";
const MIN_LENGTH = 24;
const MIN_DISTINCT = 10;

/** Every provider secret doctor can see, with a name for it (never the secret). */
function providerSecrets(inputs: DoctorInputs): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const view of inputs.views.values()) {
    for (const [profileId, credential] of Object.entries(view.merged.profiles)) {
      const values = credential.type === "api_key" ? [credential.key] : credential.type === "token" ? [credential.token] : [credential.access, credential.refresh];
      for (const value of values) if (value?.trim()) secrets.set(value.trim(), `profile ${profileId}`);
    }
  }
  if (inputs.ctx) {
    for (const provider of ENV_KEY_PROVIDERS) for (const env of listEnvCredentials(provider, inputs.ctx.env)) secrets.set(env.value, env.source);
    for (const [id, config] of Object.entries(inputs.ctx.config.models?.providers ?? {})) {
      if (config.apiKey?.trim()) secrets.set(config.apiKey.trim(), `models.providers.${id}.apiKey`);
    }
  }
  return secrets;
}

export const gatewayTokenCheck: Check = {
  name: "gateway-token",
  run(inputs) {
    if (!inputs.ctx || !inputs.gateway) return [];
    const token = inputs.gateway.token;
    if (!token) {
      return [
        {
          id: "gateway-token.missing",
          group: GROUP,
          severity: "warn",
          text: "Gateway auth is off or missing a token. Token auth is now the recommended default (including loopback). The first `openclaw gateway` start generates one.",
          fix: "openclaw gateway",
        },
      ];
    }
    const findings: Finding[] = [];
    const same = providerSecrets(inputs).get(token.value);
    if (same) {
      findings.push({
        id: "gateway-token.same-as-provider-key",
        group: GROUP,
        severity: "error",
        text: `The gateway token (${token.source}) is the same as a provider credential (${same}): every gateway client holds that key.`,
        fix: "set a new gateway token: remove gateway.auth.token (and OPENCLAW_GATEWAY_TOKEN) and start `openclaw gateway` once to generate one",
      });
    } else if (token.value.length < MIN_LENGTH || new Set(token.value).size < MIN_DISTINCT) {
      findings.push({
        id: "gateway-token.weak",
        group: GROUP,
        severity: "warn",
        text: `The gateway token (${token.source}) is weak: ${token.value.length} characters, ${new Set(token.value).size} distinct (want at least ${MIN_LENGTH} and ${MIN_DISTINCT}).`,
        fix: "set a random one: remove gateway.auth.token and start `openclaw gateway` once to generate one",
      });
    }
    if (findings.length === 0) findings.push({ id: "gateway-token.ok", group: GROUP, severity: "info", text: `Gateway token set (${token.source}).` });
    return findings;
  },
};
