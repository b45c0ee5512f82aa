// `openclaw models auth login --provider <id>` and `login-github-copilot`
// (spec §3.2): run the provider's OAuth flow, store the result as a profile
// of the agent, record it in the config, and offer (or set) a default model.
// Nothing is written until the flow has succeeded; Ctrl-C exits 130.
import { OpenClawError } from "../../../state/errors.ts";
import { hasOwnKey } from "../../../state/own-keys.ts";
import { normalizeProviderId } from "../../../auth/provider-id.ts";
import { registerSecret } from "../../../auth/redact.ts";
import { OAuthError } from "../../../oauth/errors.ts";
import type { TokenSet } from "../../../oauth/token-client.ts";
import { ensureModelEntry, setPrimary } from "../../../providers/model-config-edit.ts";
import { loadAuthView, loadCommandContext, type CommandContext } from "../../command-context.ts";
import { CancelledError, UsageError } from "../../errors.ts";
import { printErrorLine, printLine, type CliIO } from "../../io.ts";
import { authorizationCodeLogin } from "./login-authorization-code.ts";
import { credentialFromTokens, defaultProfileName } from "./login-credential.ts";
import { deviceLogin } from "./login-device-code.ts";
import { parseMethod, resolveLoginTarget, type LoginTarget } from "./login-target.ts";
import { requireProvider, resolveProfileId, saveCredential } from "./save-credential.ts";

export interface LoginOptions {
  provider?: string;
  method?: string;
  deviceCode?: boolean;
  profileId?: string;
  setDefault?: boolean;
  force?: boolean;
  agent?: string;
}

export interface GitHubCopilotLoginOptions {
  profileId?: string;
  yes?: boolean;
  agent?: string;
}

/** Exit status after Ctrl-C, as a shell reports a SIGINT death. */
export const CANCELLED_EXIT = 130;

/**
 * Ctrl-C aborts the flow (server closed, prompt closed) instead of killing
 * the process mid-way; while the credential is written it is held back, so
 * the store and the config are never left half-done.
 */
function interruptHandling(): { signal: AbortSignal; writing(): void; dispose(): void } {
  const controller = new AbortController();
  let holding = false;
  const onSigint = (): void => {
    if (!holding) controller.abort(new CancelledError());
  };
  process.on("SIGINT", onSigint);
  return {
    signal: controller.signal,
    writing: () => (holding = true),
    dispose: () => process.removeListener("SIGINT", onSigint),
  };
}

/** The engine's errors in the words of spec §4.4 where it has some. */
function explain(error: unknown, target: LoginTarget): unknown {
  if (!(error instanceof OAuthError)) return error;
  if (error.code === "aborted") return new CancelledError();
  if (error.code === "expired_token") return new OpenClawError(`${target.label} device code expired; run login again.`);
  if (error.code === "access_denied") return new OpenClawError(`${target.label} login cancelled (access was denied).`, { hint: "Nothing was stored." });
  return new OpenClawError(error.message, { hint: "Nothing was stored." });
}

async function runFlow(io: CliIO, target: LoginTarget, signal: AbortSignal): Promise<TokenSet> {
  try {
    return await (target.flow === "device-code" ? deviceLogin(io, target.provider, signal) : authorizationCodeLogin(io, target.provider, signal));
  } catch (error) {
    throw explain(error, target);
  }
}

/** True to write; a terminal asks, a script needs --force. */
async function mayOverwrite(cc: CommandContext, profileId: string, force: boolean): Promise<boolean> {
  if (force) return true;
  const view = await loadAuthView(cc);
  if (!hasOwnKey(view.own.store.profiles, profileId)) return true;
  if (!cc.io.stdinIsTTY) {
    throw new UsageError(`Auth profile ${profileId} already exists; nothing was stored.`, "Re-run with --force to replace it, or pick another id with --profile-id.");
  }
  const { confirm, isCancel } = await import("@clack/prompts");
  const answer = await confirm({ message: `Auth profile ${profileId} already exists. Replace it with this login?`, initialValue: true });
  if (isCancel(answer)) throw new CancelledError();
  return answer;
}

interface Plan {
  target: LoginTarget;
  requestedProfileId?: string;
  setDefault: boolean;
  force: boolean;
  /** login-github-copilot: say that an existing profile gets replaced, then replace it (spec §3.2). */
  noteOverwrite?: boolean;
}

async function login(cc: CommandContext, plan: Plan): Promise<number> {
  const interrupt = interruptHandling();
  try {
    return await loginInterruptible(cc, plan, interrupt);
  } finally {
    interrupt.dispose();
  }
}

async function loginInterruptible(cc: CommandContext, plan: Plan, interrupt: ReturnType<typeof interruptHandling>): Promise<number> {
  const { io } = cc;
  const { target } = plan;
  const id = target.provider.id;
  // A bad --profile-id fails before the browser opens, not after.
  if (plan.requestedProfileId !== undefined) resolveProfileId(id, plan.requestedProfileId, "default");
  if (plan.noteOverwrite && plan.requestedProfileId !== undefined) {
    if (hasOwnKey((await loadAuthView(cc)).own.store.profiles, plan.requestedProfileId)) printLine(io, `Auth profile ${plan.requestedProfileId} exists. Re-running will overwrite it.`);
  }
  const tokens = await runFlow(io, target, interrupt.signal);
  for (const secret of [tokens.access, tokens.refresh, tokens.idToken]) if (secret) registerSecret(secret);
  const result = credentialFromTokens(target, tokens);
  const profileId = resolveProfileId(id, plan.requestedProfileId, defaultProfileName(target, result.email));
  if (!(await mayOverwrite(cc, profileId, plan.force))) {
    printLine(io, "Nothing changed.");
    return 0;
  }
  const model = target.defaultModel;
  // A Ctrl-C after the flow but before the write still means "store nothing".
  if (interrupt.signal.aborted) throw new CancelledError();
  interrupt.writing();
  await saveCredential(cc, profileId, result.credential, result.mode, {
    ...(result.email ? { email: result.email } : {}),
    ...(plan.setDefault && model
      ? {
          editConfig: (doc) => {
            setPrimary(doc, "model", model);
            ensureModelEntry(doc, model);
          },
        }
      : {}),
  });
  if (model) printLine(io, plan.setDefault ? `Default model set to ${model}` : `Default model available: ${model} (use --set-default to apply)`);
  else if (plan.setDefault) printErrorLine(io, `Note: ${id} lists no models (models.providers.${id}.models), so no default model was set.`);
  return 0;
}

async function cancellable(run: () => Promise<number>, io: CliIO): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    printErrorLine(io, error.message);
    return CANCELLED_EXIT;
  }
}

export async function run(options: LoginOptions, io: CliIO): Promise<number> {
  return cancellable(async () => {
    const id = normalizeProviderId(requireProvider(options.provider));
    const flow = parseMethod(options.method, options.deviceCode);
    const cc = await loadCommandContext(io, options.agent);
    const target = resolveLoginTarget(cc.ctx.config, id, flow);
    return login(cc, { target, ...(options.profileId !== undefined ? { requestedProfileId: options.profileId } : {}), setDefault: Boolean(options.setDefault), force: Boolean(options.force) });
  }, io);
}

/** `login-github-copilot`: the same device flow; an existing profile is replaced after a note (spec §3.2). */
export async function runGitHubCopilot(options: GitHubCopilotLoginOptions, io: CliIO): Promise<number> {
  return cancellable(async () => {
    const cc = await loadCommandContext(io, options.agent);
    const target = resolveLoginTarget(cc.ctx.config, "github-copilot", "device-code");
    const requestedProfileId = options.profileId ?? "github-copilot:github";
    return login(cc, { target, requestedProfileId, setDefault: false, force: true, noteOverwrite: !options.yes });
  }, io);
}
