// Where each provider's environment key comes from (process env, login
// shell, ./.env, ~/.openclaw/.env, config env block), and keys a gateway run
// as a service would not see: a service inherits no shell and starts in
// another directory, so only ~/.openclaw/.env, the config and the stores
// reach it (peers-and-user-pain §3.7).
import { ENV_KEY_PROVIDERS, resolveEnvCredential } from "../../../auth/env-keys.ts";
import { maskSecret } from "../../../auth/mask.ts";
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { join } from "node:path";
import { resolveDotenvDir } from "../../../state/paths.ts";
import type { Check, Finding } from "../types.ts";

const GROUP = "Provider keys";

export const keySourcesCheck: Check = {
  name: "key-sources",
  run(inputs) {
    const { ctx } = inputs;
    if (!ctx) return [];
    const findings: Finding[] = [];
    const withProfiles = new Set<string>();
    for (const view of inputs.views.values()) for (const credential of Object.values(view.merged.profiles)) withProfiles.add(normalizeProviderId(credential.provider));
    const stateDotenv = ctx.display(join(resolveDotenvDir(ctx.processEnv), ".env"));
    for (const provider of [...ENV_KEY_PROVIDERS].sort()) {
      const env = resolveEnvCredential(provider, ctx.env);
      if (!env) continue;
      const origin = env.origin === "process" ? "process env" : env.origin === "shell" ? "login shell" : env.origin === "config" ? "config env block" : env.source.split(":")[0]!;
      findings.push({
        id: `key-sources.source:${provider}`,
        group: GROUP,
        severity: "info",
        text: `${provider}: ${env.name}=${env.mode === "oauth" ? "OAuth (env)" : maskSecret(env.value)} from ${origin}.`,
      });
      // What a service would still see: the state dir's .env and the config's env block (and the stores).
      const serviceSees = env.origin === "config" || (env.origin === "dotenv" && env.source.startsWith(`${stateDotenv}:`));
      if (!serviceSees && !withProfiles.has(normalizeProviderId(provider))) {
        const where = env.origin === "dotenv" ? "./.env of this directory" : origin;
        findings.push({
          id: `key-sources.service-blind:${provider}`,
          group: GROUP,
          severity: "warn",
          text: `${env.name} comes only from the ${where}; a gateway run as a service would not see it (${stateDotenv} lacks it and ${provider} has no stored profile).`,
          fix: `add ${env.name} to ${stateDotenv}, or store it: openclaw models auth paste-api-key --provider ${provider}`,
        });
      }
    }
    for (const [id, config] of Object.entries(ctx.config.models?.providers ?? {})) {
      const key = config.apiKey?.trim();
      if (!key) continue;
      findings.push({
        id: `key-sources.config:${id}`,
        group: GROUP,
        severity: "info",
        text: `${id}: ${maskSecret(key)} from config (${ctx.display(ctx.configPath)}: models.providers.${id}.apiKey).`,
      });
    }
    return findings;
  },
};
