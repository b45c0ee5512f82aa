// The interactive `openclaw onboard` (@clack/prompts): providers and how each
// authenticates, where keys are kept, the default model, the gateway's port
// and token, and the service. Each step is saved as soon as it is answered,
// a step that fails is reported and the wizard goes on, and Ctrl-C stops it
// with the steps already finished kept. A save is never interrupted half-way:
// Ctrl-C while one runs takes effect after it.
import { providerEnvVars } from "../../../auth/env-keys.ts";
import { maskSecret } from "../../../auth/mask.ts";
import { registerSecret } from "../../../auth/redact.ts";
import { buildCatalog } from "../../../providers/catalog.ts";
import { ensureModelEntry, setPrimary } from "../../../providers/model-config-edit.ts";
import { updateConfigFile } from "../../../state/config.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { loadCommandContext, type CommandContext } from "../../command-context.ts";
import { printErrorLine, printLine, type CliIO } from "../../io.ts";
import { parsePastedSecret } from "../../secret-input.ts";
import { apiKeyProblem } from "../auth/paste-api-key.ts";
import { resolveProfileId, saveCredential } from "../auth/save-credential.ts";
import { validateAnthropicSetupToken } from "../auth/setup-token.ts";
import { storeApiKey, type KeySource, type SecretInputMode } from "./api-key.ts";
import { applyCustomProvider, baseUrlProblem, defaultCustomProviderId, providerIdProblem, type CustomPlan } from "./custom.ts";
import { installDaemon } from "./daemon.ts";
import { dotenvPath } from "./env-file.ts";
import { applyGatewaySettings, describeToken, generateGatewayToken, portProblem } from "./gateway.ts";
import type { OnboardOptions } from "./options.ts";

type Clack = typeof import("@clack/prompts");

/** Ctrl-C at a prompt. */
class WizardCancelled extends Error {}

const PROVIDERS = [
  { value: "anthropic", label: "Anthropic", envVar: "ANTHROPIC_API_KEY" },
  { value: "openai", label: "OpenAI (API key)", envVar: "OPENAI_API_KEY" },
  { value: "openrouter", label: "OpenRouter (API key)", envVar: "OPENROUTER_API_KEY" },
  { value: "custom", label: "Custom OpenAI- or Anthropic-compatible endpoint", envVar: "" },
] as const;

/**
 * Runs a save with Ctrl-C (SIGINT) held back until it is done, so nothing is
 * left half-written; says whether Ctrl-C came meanwhile.
 */
async function uninterrupted(fn: () => Promise<void>): Promise<{ interrupted: boolean; error?: unknown }> {
  let interrupted = false;
  const hold = () => {
    interrupted = true;
  };
  process.on("SIGINT", hold);
  try {
    await fn();
    return { interrupted };
  } catch (error) {
    return { interrupted, error };
  } finally {
    process.removeListener("SIGINT", hold);
  }
}

export async function runWizard(options: OnboardOptions, io: CliIO): Promise<number> {
  const clack: Clack = await import("@clack/prompts");
  const cc = await loadCommandContext(io, options.agent);
  const done: string[] = [];
  const failed: string[] = [];
  const ask: Ask = (value) => {
    if (clack.isCancel(value)) throw new WizardCancelled();
    return value as never;
  };
  /** One step: saved at once; a failure is reported and the wizard goes on. */
  const step = async (name: string, fn: () => Promise<void>) => {
    const { interrupted, error } = await uninterrupted(fn);
    if (error === undefined) done.push(name);
    else {
      failed.push(name);
      clack.log.error(`${name}: ${(error as Error).message}`);
      if (!interrupted) clack.log.warn("That step did not finish; the others go on.");
    }
    // Ctrl-C during the save: stop now that it is complete (it is listed as saved or not).
    if (interrupted) throw new WizardCancelled();
  };

  clack.intro("openclaw onboard");
  try {
    const chosen = ask(
      await clack.multiselect({
        message: "Which providers do you want to set up? (space to select, enter to go on)",
        options: PROVIDERS.map(({ value, label }) => ({ value, label, ...(value === "anthropic" ? { hint: "recommended" } : {}) })),
        required: false,
      }),
    ) as string[];

    let mode: SecretInputMode = "plaintext";
    if (chosen.length > 0) {
      const where = ask(
        await clack.select({
          message: "Where should API keys be kept?",
          options: [
            { value: "plaintext", label: "In the auth store (auth-profiles.json, 0600)" },
            { value: "ref", label: `In ${cc.ctx.display(dotenvPath(io.env))} for the daemon (0600); the store keeps a reference` },
          ],
        }),
      ) as SecretInputMode;
      mode = where;
    }

    const customModels: string[] = [];
    for (const provider of chosen) {
      if (provider === "anthropic") {
        const method = ask(
          await clack.select({
            message: "Anthropic: how do you authenticate?",
            options: [
              { value: "api-key", label: "API key", hint: "recommended" },
              { value: "token", label: "setup-token (Claude subscription, from `claude setup-token`)" },
            ],
          }),
        );
        if (method === "token") await anthropicToken(clack, cc, ask, step);
        else await apiKeyStep(clack, cc, ask, step, "anthropic", "ANTHROPIC_API_KEY", mode);
      } else if (provider === "openai") await apiKeyStep(clack, cc, ask, step, "openai", "OPENAI_API_KEY", mode);
      else if (provider === "openrouter") await apiKeyStep(clack, cc, ask, step, "openrouter", "OPENROUTER_API_KEY", mode);
      else if (provider === "custom") await customStep(clack, cc, ask, step, mode, customModels);
    }

    await defaultModelStep(clack, cc, ask, step, chosen, customModels);
    await gatewayStep(clack, cc, ask, step);

    const install = ask(await clack.confirm({ message: "Install the gateway as a service (starts at login)?", initialValue: false }));
    if (install) {
      await step("gateway service", async () => {
        const daemon = await installDaemon(io);
        for (const line of daemon.lines) (daemon.ok ? clack.log.info : clack.log.warn)(line);
        if (!daemon.ok) throw new OpenClawError("not running (see above)");
      });
    }
  } catch (error) {
    if (!(error instanceof WizardCancelled)) throw error;
    clack.cancel("Onboarding stopped.");
    printErrorLine(io, done.length ? `Saved before you stopped: ${done.join("; ")}.` : "Nothing was changed.");
    return 1;
  }
  clack.outro(done.length ? `Saved: ${done.join("; ")}.` : "Nothing was changed.");
  if (failed.length) {
    printErrorLine(io, `Not saved: ${failed.join("; ")}. Run \`openclaw onboard\` again for those.`);
    return 1;
  }
  printLine(io, "Check it with: openclaw models status");
  return 0;
}

type Ask = <T>(value: T) => Exclude<T, symbol>;
type Step = (name: string, fn: () => Promise<void>) => Promise<void>;

function secretValidator(provider: string, noun: string, extra?: (value: string) => string | undefined) {
  return (value: string | undefined): string | undefined => {
    const parsed = parsePastedSecret(value ?? "", noun);
    if (!parsed.ok) return parsed.problem;
    return extra ? extra(parsed.secret) : apiKeyProblem(provider, parsed.secret);
  };
}

function cleanSecret(value: string, noun: string): string {
  const parsed = parsePastedSecret(value, noun);
  if (!parsed.ok) throw new OpenClawError(parsed.problem);
  registerSecret(parsed.secret);
  return parsed.secret;
}

async function apiKeyStep(clack: Clack, cc: CommandContext, ask: Ask, step: Step, provider: string, envVar: string, mode: SecretInputMode): Promise<void> {
  const io = cc.io;
  const fromEnv = cc.ctx.env.get(envVar);
  let source: KeySource | undefined;
  if (fromEnv?.value.trim()) {
    registerSecret(fromEnv.value.trim());
    const origin = fromEnv.source.replace(/: .*$/, "");
    const reuse = ask(await clack.confirm({ message: `Use existing ${envVar} (${origin}, ${maskSecret(fromEnv.value.trim())})?`, initialValue: true }));
    // Keys kept in ~/.openclaw/.env: one that is not there yet is copied there, so the daemon has it too.
    const inDaemonEnv = fromEnv.source.startsWith(`${cc.ctx.display(dotenvPath(io.env))}:`);
    if (reuse && mode === "ref" && !inDaemonEnv) source = { kind: "flag", value: fromEnv.value.trim() };
    else if (reuse) source = { kind: "env", envVar, value: fromEnv.value.trim(), label: fromEnv.source, fromProcess: fromEnv.origin === "process" };
  }
  if (!source) {
    const key = ask(await clack.password({ message: `Enter ${provider} API key`, validate: secretValidator(provider, "API key") }));
    source = { kind: "flag", value: cleanSecret(key, "API key") };
  }
  const chosen = source;
  await step(`${provider} API key`, () => storeApiKey(cc, provider, `${provider}:default`, chosen, mode, envVar));
}

async function anthropicToken(clack: Clack, cc: CommandContext, ask: Ask, step: Step): Promise<void> {
  clack.note("Run `claude setup-token` in your terminal. Then paste the generated token below.", "Anthropic setup-token");
  const token = ask(await clack.password({ message: "Paste Anthropic setup-token", validate: secretValidator("anthropic", "setup-token", validateAnthropicSetupToken) }));
  const clean = cleanSecret(token, "setup-token");
  const name = ask(
    await clack.text({
      message: "Token name (blank = default)",
      placeholder: "default",
      validate: (value) => (!value?.trim() || /^[A-Za-z0-9._-]+$/.test(value.trim()) ? undefined : "Letters, digits, '.', '_' or '-'"),
    }),
  );
  const slug = (name ?? "").trim().toLowerCase() || "default";
  await step("Anthropic setup-token", () => saveCredential(cc, resolveProfileId("anthropic", undefined, slug), { type: "token", provider: "anthropic", token: clean }, "token"));
}

async function customStep(clack: Clack, cc: CommandContext, ask: Ask, step: Step, mode: SecretInputMode, customModels: string[]): Promise<void> {
  const baseUrl = ask(await clack.text({ message: "Endpoint base URL", placeholder: "http://127.0.0.1:11434/v1", validate: (value) => baseUrlProblem(value ?? "") })).trim().replace(/\/+$/, "");
  const compatibility = ask(
    await clack.select({
      message: "Which API does it speak?",
      options: [
        { value: "openai", label: "OpenAI-compatible (chat completions)" },
        { value: "anthropic", label: "Anthropic-compatible (messages)" },
      ],
    }),
  );
  const suggested = defaultCustomProviderId(baseUrl);
  const providerId = (ask(await clack.text({ message: "Provider id", initialValue: suggested, validate: (value) => providerIdProblem(value ?? "") })) as string).trim().toLowerCase();
  const modelId = (ask(await clack.text({ message: "Model id (blank = none yet)", placeholder: "e.g. llama3.3" })) ?? "").trim() || undefined;
  const key = ask(
    await clack.password({
      message: "API key (blank = keyless)",
      validate: (value) => (value?.trim() ? secretValidator(providerId, "API key")(value) : undefined),
    }),
  );
  const plan: CustomPlan = { providerId, baseUrl, api: compatibility === "anthropic" ? "anthropic-messages" : "openai-completions", modelId };
  if (modelId) customModels.push(`${providerId}/${modelId}`);
  // The default model is its own step (the model is offered there).
  await step(`custom provider ${providerId}`, async () => {
    await updateConfigFile(cc.ctx, (doc) => applyCustomProvider(doc, plan, { setDefault: false }));
  });
  if (key?.trim()) {
    const clean = cleanSecret(key, "API key");
    const envVar = providerEnvVars(providerId)[0]!;
    await step(`${providerId} API key`, () => storeApiKey(cc, providerId, `${providerId}:default`, { kind: "flag", value: clean }, mode, envVar));
  }
}

async function defaultModelStep(clack: Clack, cc: CommandContext, ask: Ask, step: Step, chosen: string[], customModels: string[]): Promise<void> {
  const config = (await loadCommandContext(cc.io, cc.agent.id)).ctx.config;
  const current = typeof config.agents?.defaults?.model === "string" ? config.agents.defaults.model : config.agents?.defaults?.model?.primary;
  const catalog = buildCatalog(config)
    .filter((model) => chosen.includes(model.provider))
    .map((model) => `${model.provider}/${model.id}`);
  const candidates = [...new Set([...customModels, ...catalog])].slice(0, 12);
  const options = [
    { value: "", label: current ? `Keep ${current}` : "Leave it unset for now" },
    ...candidates.filter((key) => key !== current).map((key) => ({ value: key, label: key })),
  ];
  const picked = ask(await clack.select({ message: "Default model", options })) as string;
  if (!picked) return;
  await step(`default model ${picked}`, async () => {
    await updateConfigFile(cc.ctx, (doc) => {
      setPrimary(doc, "model", picked);
      ensureModelEntry(doc, picked);
    });
  });
}

async function gatewayStep(clack: Clack, cc: CommandContext, ask: Ask, step: Step): Promise<void> {
  const config = (await loadCommandContext(cc.io, cc.agent.id)).ctx.config;
  const currentPort = config.gateway?.port ?? 18789;
  const port = Number(ask(await clack.text({ message: "Gateway port", initialValue: String(currentPort), validate: (value) => portProblem(value ?? "") })));
  const existing = config.gateway?.auth?.token?.trim();
  if (existing) registerSecret(existing);
  const choice = ask(
    await clack.select({
      message: "Gateway token (clients send it to use the gateway)",
      options: existing
        ? [
            { value: "keep", label: `Keep the current one (${maskSecret(existing)})` },
            { value: "new", label: "Generate a new one (clients using the old one stop working)" },
          ]
        : [
            { value: "new", label: "Generate one now" },
            { value: "later", label: "Later (the first gateway start generates one)" },
          ],
    }),
  );
  const token = choice === "new" ? generateGatewayToken() : undefined;
  await step(`gateway port ${port}${token ? " and a new token" : ""}`, async () => {
    await updateConfigFile(cc.ctx, (doc) => applyGatewaySettings(doc, { port, ...(token ? { token } : {}) }));
    if (token) clack.log.info(`Gateway token: ${describeToken(token)}`);
  });
}
