// `openclaw onboard`: the wizard on a terminal, or with --non-interactive
// --accept-risk the flags of spec §3.5. Every flag is checked before anything
// is written; then each step is written on its own (atomically), so a step
// that fails leaves the ones before it saved.
import { providerEnvVars } from "../../../auth/env-keys.ts";
import { updateConfigFile } from "../../../state/config.ts";
import { loadCommandContext, type CommandContext } from "../../command-context.ts";
import { UsageError } from "../../errors.ts";
import { printErrorLine, printLine, type CliIO } from "../../io.ts";
import { parseSecretInputMode, resolveApiKey, storeApiKey, existingApiKeyProfile, keyFromFlag, type KeySource, type SecretInputMode } from "./api-key.ts";
import { applyCustomProvider, planCustom, type CustomPlan } from "./custom.ts";
import { installDaemon } from "./daemon.ts";
import { applyGatewaySettings, describeToken, parseGatewayToken, parsePort } from "./gateway.ts";
import { parseAuthChoice, type OnboardOptions } from "./options.ts";
import { planToken, storeToken } from "./token.ts";

export async function run(options: OnboardOptions, io: CliIO): Promise<number> {
  if (!options.nonInteractive) {
    if (!io.stdinIsTTY) {
      throw new UsageError(
        "`openclaw onboard` is interactive and needs a terminal.",
        "In scripts use: openclaw onboard --non-interactive --accept-risk --auth-choice <apiKey|token|openai-api-key|openrouter-api-key|custom-api-key|skip> …",
      );
    }
    return (await import("./wizard.ts")).runWizard(options, io);
  }
  if (!options.acceptRisk) {
    throw new UsageError(
      "Non-interactive onboarding requires --accept-risk.",
      "It stores credentials and edits openclaw.json without asking. Re-run with: openclaw onboard --non-interactive --accept-risk …",
    );
  }
  return runNonInteractive(options, io);
}

/** The custom endpoint's key: the flag, else its env var, else an existing profile, else none (keyless). */
async function customKey(cc: CommandContext, plan: CustomPlan, flag: string | undefined): Promise<{ source: KeySource; envVar: string } | undefined> {
  const envVar = providerEnvVars(plan.providerId)[0]!;
  if (flag !== undefined && flag.trim() !== "") return { source: keyFromFlag(flag, "API key", plan.providerId), envVar };
  const fromEnv = cc.ctx.env.get(envVar);
  if (fromEnv?.value.trim()) return { source: { kind: "env", envVar, value: fromEnv.value.trim(), label: fromEnv.source, fromProcess: fromEnv.origin === "process" }, envVar };
  const profileId = await existingApiKeyProfile(cc, plan.providerId);
  return profileId ? { source: { kind: "profile", profileId }, envVar } : undefined;
}

async function runNonInteractive(options: OnboardOptions, io: CliIO): Promise<number> {
  // Everything that can be checked without the files, first: a typo costs nothing.
  const mode: SecretInputMode = parseSecretInputMode(options.secretInputMode);
  const choice = parseAuthChoice(options);
  const tokenPlan = choice.kind === "token" ? planToken(options) : undefined;
  const customPlan = choice.kind === "custom" ? planCustom(options) : undefined;
  const port = parsePort(options.gatewayPort);
  const gatewayToken = parseGatewayToken(options.gatewayToken);

  const cc = await loadCommandContext(io, options.agent);
  if (choice.kind === "api-key") {
    const { spec } = choice;
    const source = await resolveApiKey(cc, { provider: spec.provider, flagValue: options[spec.option], flagName: spec.flagName, envVar: spec.envVar });
    await storeApiKey(cc, spec.provider, `${spec.provider}:default`, source, mode, spec.envVar);
  } else if (tokenPlan) {
    await storeToken(cc, tokenPlan);
  } else if (customPlan) {
    const key = await customKey(cc, customPlan, options.customApiKey);
    const result = await updateConfigFile(cc.ctx, (doc) => applyCustomProvider(doc, customPlan));
    if (result.changed) printLine(io, `Updated ${cc.ctx.display(cc.ctx.configPath)}`);
    printLine(io, `Custom provider: ${customPlan.providerId} (${customPlan.api}, ${customPlan.baseUrl})`);
    if (customPlan.modelId) printLine(io, `Default model: ${customPlan.providerId}/${customPlan.modelId}`);
    if (key) await storeApiKey(cc, customPlan.providerId, `${customPlan.providerId}:default`, key.source, mode, key.envVar);
    else {
      printLine(
        io,
        `No API key for ${customPlan.providerId} (keyless). If the endpoint needs one, store it later: openclaw models auth paste-api-key --provider ${customPlan.providerId}`,
      );
    }
  } else {
    printLine(io, "Auth: skipped (no credential stored).");
  }

  if (port !== undefined || gatewayToken !== undefined) {
    const result = await updateConfigFile(cc.ctx, (doc) => applyGatewaySettings(doc, { ...(port !== undefined ? { port } : {}), ...(gatewayToken !== undefined ? { token: gatewayToken } : {}) }));
    if (result.changed) printLine(io, `Updated ${cc.ctx.display(cc.ctx.configPath)}`);
    if (port !== undefined) printLine(io, `Gateway port: ${port}`);
    if (gatewayToken !== undefined) printLine(io, `Gateway token: ${describeToken(gatewayToken)}`);
  }
  // Last, so the service starts with everything above in place.
  if (options.installDaemon) {
    const daemon = await installDaemon(io);
    for (const line of daemon.lines) printLine(io, line);
    if (!daemon.ok) {
      printErrorLine(io, "Error: --install-daemon: the gateway service is not running (see above); the other steps are saved.");
      return 1;
    }
  }
  printLine(io, "Onboarding done. Check it with: openclaw models status");
  return 0;
}
