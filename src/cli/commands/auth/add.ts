// `openclaw models auth add`: an interactive helper that asks which provider
// and which kind of credential, then hands over to paste-api-key, paste-token
// or setup-token (spec §3.2 `add`). It asks before replacing a stored
// profile, and what a typed provider id that looks like a typo should be.
import { credentialLabel } from "../../../auth/profile-label.ts";
import { descriptorFor, PROVIDER_DESCRIPTORS } from "../../../providers/descriptors/index.ts";
import { loadCommandContext, type CommandContext } from "../../command-context.ts";
import { CancelledError, UsageError } from "../../errors.ts";
import { printLine, type CliIO } from "../../io.ts";
import { parseDurationMs } from "../../parse-duration.ts";
import { providerNearMisses } from "./provider-spelling.ts";

const PROVIDERS = PROVIDER_DESCRIPTORS.filter((descriptor) => descriptor.setupHints.inAuthAddPicker).map((descriptor) => descriptor.id);
const DEFAULT_METHODS = [
  { value: "api-key", label: "API key" },
  { value: "token", label: "paste token" },
] as const;

/** Asks before a stored profile is overwritten; true when there is none or the user says yes. */
async function mayReplace(cc: CommandContext, profileId: string): Promise<boolean> {
  const existing = (await cc.backend.read(cc.agent.id)).own.store.profiles[profileId];
  if (!existing) return true;
  const { confirm, isCancel } = await import("@clack/prompts");
  const label = credentialLabel(existing).replace(/^token:/, "");
  const replace = await confirm({ message: `Profile ${profileId} already exists (${label}, ${existing.type}). Replace it?`, initialValue: false });
  if (isCancel(replace)) throw new CancelledError();
  return replace;
}

function nothingChanged(io: CliIO): number {
  printLine(io, "Nothing changed.");
  return 0;
}

export async function run(options: { agent?: string }, io: CliIO): Promise<number> {
  if (!io.stdinIsTTY) {
    throw new UsageError(
      "`models auth add` is interactive and needs a terminal.",
      "In scripts use `openclaw models auth paste-api-key --provider <p>` or `paste-token --provider <p>` with the secret on stdin.",
    );
  }
  const cc = await loadCommandContext(io, options.agent);
  const clack = await import("@clack/prompts");
  const answer = <T>(value: T): Exclude<T, symbol> => {
    if (clack.isCancel(value)) throw new CancelledError();
    return value as Exclude<T, symbol>;
  };

  let provider = answer(
    await clack.select({
      message: "Token provider",
      options: [...PROVIDERS.map((id) => ({ value: id, label: id })), { value: "custom", label: "custom (type provider id)" }],
    }),
  );
  // The interactive form of paste-*'s --force: pick the known id or keep the typed one.
  let force = false;
  if (provider === "custom") {
    provider = answer(await clack.text({ message: "Provider id", validate: (v) => (v?.trim() ? undefined : "Required") })).trim().toLowerCase();
    const suggestions = providerNearMisses(provider, cc.ctx.config);
    if (suggestions.length > 0) {
      const typed = provider;
      provider = answer(
        await clack.select({
          message: `Unknown provider "${typed}". Did you mean:`,
          options: [...suggestions.map((id) => ({ value: id, label: id })), { value: typed, label: `${typed} (keep it as typed)` }],
        }),
      );
      force = provider === typed;
    }
  }

  const methods = descriptorFor(provider)?.setupHints.authMethods ?? DEFAULT_METHODS;
  const method = answer(await clack.select({ message: "Token method", options: methods.map(({ value, label }) => ({ value: value as string, label })) }));

  if (method === "setup-token") {
    if (!(await mayReplace(cc, "anthropic:manual"))) return nothingChanged(io);
    const setupToken = await import("./setup-token.ts");
    return setupToken.run({ provider, ...(options.agent ? { agent: options.agent } : {}) }, io);
  }

  const defaultId = `${provider}:${method === "api-key" ? "default" : "manual"}`;
  const profileId = answer(await clack.text({ message: "Profile id", initialValue: defaultId, validate: (v) => (v?.trim() ? undefined : "Required") })).trim();
  if (!(await mayReplace(cc, profileId))) return nothingChanged(io);
  const shared = { ...(options.agent ? { agent: options.agent } : {}), ...(force ? { force } : {}) };

  if (method === "api-key") {
    const pasteApiKey = await import("./paste-api-key.ts");
    return pasteApiKey.run({ provider, profileId, ...shared }, io);
  }
  const expires = answer(await clack.confirm({ message: "Does this token expire?", initialValue: false }));
  let expiresIn: string | undefined;
  if (expires) {
    expiresIn = answer(
      await clack.text({
        message: "Expires in (duration)",
        initialValue: "365d",
        validate: (value) => {
          try {
            parseDurationMs(value ?? "", "d");
            return undefined;
          } catch {
            return "Invalid duration (e.g. 365d, 12h, 30m)";
          }
        },
      }),
    );
  }
  const pasteToken = await import("./paste-token.ts");
  return pasteToken.run({ provider, profileId, ...(expiresIn ? { expiresIn } : {}), ...shared }, io);
}
