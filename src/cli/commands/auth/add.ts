// `openclaw models auth add`: an interactive helper that asks which provider
// and which kind of credential, then hands over to paste-api-key, paste-token
// or setup-token (spec §3.2 `add`).
import { CancelledError, UsageError } from "../../errors.ts";
import type { CliIO } from "../../io.ts";
import { parseDurationMs } from "../../parse-duration.ts";

const PROVIDERS = ["anthropic", "openai", "openrouter", "google", "groq", "mistral", "xai"] as const;

export async function run(options: { agent?: string }, io: CliIO): Promise<number> {
  if (!io.stdinIsTTY) {
    throw new UsageError(
      "`models auth add` is interactive and needs a terminal.",
      "In scripts use `openclaw models auth paste-api-key --provider <p>` or `paste-token --provider <p>` with the secret on stdin.",
    );
  }
  const clack = await import("@clack/prompts");
  const answer = <T>(value: T): Exclude<T, symbol> => {
    if (clack.isCancel(value)) throw new CancelledError();
    return value as Exclude<T, symbol>;
  };

  let provider = answer(
    await clack.select({
      message: "Token provider",
      options: [...PROVIDERS.map((id) => ({ value: id as string, label: id })), { value: "custom", label: "custom (type provider id)" }],
    }),
  );
  if (provider === "custom") {
    provider = answer(await clack.text({ message: "Provider id", validate: (v) => (v?.trim() ? undefined : "Required") })).trim().toLowerCase();
  }

  const methods =
    provider === "anthropic"
      ? [
          { value: "api-key", label: "API key (recommended)" },
          { value: "setup-token", label: "setup-token (claude)" },
          { value: "token", label: "paste token" },
        ]
      : [
          { value: "api-key", label: "API key" },
          { value: "token", label: "paste token" },
        ];
  const method = answer(await clack.select({ message: "Token method", options: methods }));

  if (method === "setup-token") {
    const setupToken = await import("./setup-token.ts");
    return setupToken.run({ provider, ...(options.agent ? { agent: options.agent } : {}) }, io);
  }

  const defaultId = `${provider}:${method === "api-key" ? "default" : "manual"}`;
  const profileId = answer(await clack.text({ message: "Profile id", initialValue: defaultId, validate: (v) => (v?.trim() ? undefined : "Required") })).trim();
  const agent = options.agent ? { agent: options.agent } : {};

  if (method === "api-key") {
    const pasteApiKey = await import("./paste-api-key.ts");
    return pasteApiKey.run({ provider, profileId, ...agent }, io);
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
  return pasteToken.run({ provider, profileId, ...(expiresIn ? { expiresIn } : {}), ...agent }, io);
}
