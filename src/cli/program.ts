// The `openclaw` command table. This file only declares commands and flags;
// each action loads its command module (a bundle of its own) on demand, so
// start-up parses the table and nothing else (DESIGN §5).
import { Command, Option } from "commander";
import { VERSION } from "../version.ts";
import { processIO, type CliIO } from "./io.ts";
import { reportError } from "./errors.ts";
import { didYouMean, nearMisses } from "./did-you-mean.ts";
import { STATUS_FLAGS } from "./status-flags.ts";

type Action = (io: CliIO) => Promise<number | void>;

let pending: Action | undefined;
/** Commander calls this from an action; main() runs it after parsing, with error handling. */
const later = (action: Action) => {
  pending = action;
};

const forceOption = () => new Option("--force", 'store it even when the provider id looks like a typo of a known one ("antrhopic")');
const agentOption = () => new Option("--agent <id>", "act on this agent (default: the configured default agent)");

// Commander checks required options before unknown ones, so `paste-token
// --provier x` would be told that --provider is missing instead of "Did you
// mean --provider?". Required options are declared as plain ones, marked here,
// and checked in a preAction hook, which runs after unknown options are rejected.
const requiredOptions = new WeakSet<Option>();
const required = (option: Option) => {
  requiredOptions.add(option);
  return option;
};
function checkRequiredOptions(_root: Command, action: Command): void {
  for (const option of action.options) {
    if (requiredOptions.has(option) && action.getOptionValue(option.attributeName()) === undefined) {
      action.error(`error: required option '${option.flags}' not specified`, { code: "commander.missingMandatoryOptionValue" });
    }
  }
}

/**
 * `models` and `gateway` have subcommands and a default action of their own,
 * so commander takes a mistyped subcommand (`models statu`) for an argument
 * of the default and answers "too many arguments". Let the word through and
 * reject it as the unknown command it is, with a suggestion.
 */
function defaultAction<T>(command: Command, action: (options: T) => void): Command {
  return command.allowExcessArguments().action((options: T, self: Command) => {
    const word = self.args[0];
    if (word === undefined) return action(options);
    const suggestion = didYouMean(nearMisses(word, self.commands.map((sub) => sub.name())));
    self.error(`error: unknown command '${word}'${suggestion ? `\n(${suggestion})` : ""}`, { code: "commander.unknownCommand" });
  });
}

function statusFlags(command: Command): Command {
  for (const spec of STATUS_FLAGS) command.option(spec.flags, spec.description);
  return command;
}

function buildProgram(): Command {
  const program = new Command("openclaw")
    .description("Own your AI-model credentials and serve model requests through a local gateway.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    // `models` has an --agent of its own (for `openclaw models --agent x`);
    // positional options keep it from swallowing a subcommand's --agent.
    .enablePositionalOptions()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "Error: ")) })
    .hook("preAction", checkRequiredOptions);

  const models = defaultAction(
    program
      .command("models")
      .description("Inspect and configure models and their credentials (default: status)")
      .enablePositionalOptions()
      .option("--status-json", "same as `models status --json`")
      .option("--status-plain", "same as `models status --plain`")
      .addOption(agentOption()),
    (options: { statusJson?: boolean; statusPlain?: boolean; agent?: string }) =>
      later(async (io) => (await import("./commands/models/status.ts")).run({ json: options.statusJson, plain: options.statusPlain, agent: options.agent }, io)),
  );

  statusFlags(models.command("status").description("Show the default model, credentials and their health (reads files only, unless --probe)"))
    .option("--probe", "also send one minimal real request per credential")
    .option("--probe-provider <name>", "probe only this provider")
    .option("--probe-profile <id>", "probe only these profiles (repeatable or comma-separated)", (value: string, previous: string[] = []) => [...previous, value])
    .option("--probe-timeout <ms>", "timeout per probe (default 8000)")
    .option("--probe-concurrency <n>", "probes at a time (default 2)")
    .option("--probe-max-tokens <n>", "max tokens per probe (default 8)")
    .action((options) => later(async (io) => (await import("./commands/models/status.ts")).run(options, io)));

  models
    .command("list")
    .description("List configured models (or the whole catalog with --all)")
    .option("--all", "show the full catalog")
    .option("--local", "only models served from this machine")
    .option("--provider <name>", "only this provider's models")
    .option("--json", "print JSON")
    .option("--plain", "one model per line")
    .action((options) => later(async (io) => (await import("./commands/models/list.ts")).run(options, io)));

  models
    .command("set")
    .description("Set the default model (a provider/model or an alias)")
    .argument("<model>", "provider/model or alias")
    .action((model: string) => later(async (io) => (await import("./commands/models/set.ts")).run({ model }, io)));

  const aliases = models.command("aliases").description("Manage model aliases");
  aliases
    .command("list", { isDefault: true })
    .description("List aliases")
    .option("--json", "print JSON")
    .option("--plain", "print `alias target` lines")
    .action((options) => later(async (io) => (await import("./commands/models/aliases.ts")).list(options, io)));
  aliases
    .command("add")
    .description("Add an alias for a model")
    .argument("<alias>")
    .argument("<model>")
    .action((alias: string, model: string) => later(async (io) => (await import("./commands/models/aliases.ts")).add({ alias, model }, io)));
  aliases
    .command("remove")
    .description("Remove an alias")
    .argument("<alias>")
    .action((alias: string) => later(async (io) => (await import("./commands/models/aliases.ts")).remove({ alias }, io)));

  const fallbacks = models.command("fallbacks").description("Manage the fallback models tried after the default");
  fallbacks
    .command("list", { isDefault: true })
    .description("List fallbacks")
    .option("--json", "print JSON")
    .option("--plain", "one model per line")
    .action((options) => later(async (io) => (await import("./commands/models/fallbacks.ts")).list(options, io)));
  fallbacks
    .command("add")
    .description("Append a fallback model")
    .argument("<model>")
    .action((model: string) => later(async (io) => (await import("./commands/models/fallbacks.ts")).add({ model }, io)));
  fallbacks
    .command("remove")
    .description("Remove a fallback model")
    .argument("<model>")
    .action((model: string) => later(async (io) => (await import("./commands/models/fallbacks.ts")).remove({ model }, io)));
  fallbacks
    .command("clear")
    .description("Remove all fallback models")
    .action(() => later(async (io) => (await import("./commands/models/fallbacks.ts")).clear(io)));

  const auth = models.command("auth").description("Store, list, order and remove model credentials");
  auth
    .command("add")
    .description("Interactive helper: pick a provider and how to authenticate")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/add.ts")).run(options, io)));
  auth
    .command("setup-token")
    .description("Store an Anthropic setup-token from `claude setup-token` (offers to run it)")
    .option("--provider <name>", "provider (only anthropic)", "anthropic")
    .option("--profile-id <id>", "profile id (default: anthropic:manual; anthropic:default on an OpenClaw 2026.9 state)")
    .option("--yes", "do not ask before pasting")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/setup-token.ts")).run(options, io)));
  auth
    .command("login")
    .description("Log in with OAuth (browser or device code) and store the result as an auth profile")
    .addOption(required(new Option("--provider <id>", "openai-codex, github-copilot, or a provider with models.providers.<id>.auth \"oauth\" and an oauth block")))
    .option("--method <method>", "oauth (browser, authorization code + PKCE; the default) or device-code (github-copilot always; custom providers with oauth.deviceCodeUrl)")
    .option("--device-code", "same as --method device-code")
    .option("--profile-id <id>", "profile id (default: <provider>:<email> when the login yields an email, else <provider>:default; github-copilot:github)")
    .option("--set-default", "also make the provider's default model the default model (agents.defaults.model.primary)")
    .option("--force", "replace an existing profile with the same id without asking (needed without a terminal)")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/login.ts")).run(options, io)));
  auth
    .command("login-github-copilot")
    .description("Log in to GitHub Copilot with GitHub's device code flow (same as login --provider github-copilot)")
    .option("--profile-id <id>", "profile id (default: github-copilot:github)")
    .option("--yes", "do not note that an existing profile is replaced")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/login.ts")).runGitHubCopilot(options, io)));
  auth
    .command("paste-token")
    .description("Store a bearer token for any provider (hidden prompt, or stdin when piped)")
    .addOption(required(new Option("--provider <name>", "provider id, e.g. anthropic or openrouter (any id; one that looks like a typo of a known one needs --force)")))
    .option("--profile-id <id>", "profile id (default: <provider>:manual)")
    .option("--expires-in <duration>", "when the token expires, e.g. 365d, 12h, 30m (a bare number means days)")
    .addOption(forceOption())
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/paste-token.ts")).run(options, io)));
  auth
    .command("paste-api-key")
    .description("Store an API key (hidden prompt, or stdin when piped)")
    .addOption(required(new Option("--provider <name>", "provider id, e.g. anthropic or openai (any id; one that looks like a typo of a known one needs --force)")))
    .option("--profile-id <id>", "profile id (default: <provider>:default; on an OpenClaw 2026.9 state <provider>:manual, anthropic:default)")
    .addOption(forceOption())
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/paste-api-key.ts")).run(options, io)));
  auth
    .command("list")
    .description("List stored credentials (masked) with their health")
    .option("--provider <name>", "only this provider")
    .option("--json", "print JSON")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/auth/list.ts")).run(options, io)));
  auth
    .command("logout")
    .description("Remove a stored credential, its config entry and its order entries")
    .argument("<profileId>")
    .option("--yes", "do not ask for confirmation")
    .addOption(agentOption())
    .action((profileId: string, options) => later(async (io) => (await import("./commands/auth/logout.ts")).run({ ...options, profileId }, io)));

  const order = auth.command("order").description("Per-agent profile order override (stored in the agent's auth store)");
  for (const [name, description] of [
    ["get", "Show the order override"],
    ["set", "Set the order override: profile ids, first is tried first"],
    ["clear", "Remove the order override (back to round-robin / config order)"],
  ] as const) {
    const sub = order
      .command(name)
      .description(description)
      .addOption(required(new Option("--provider <name>", "provider id")))
      .option("--json", "print JSON")
      .addOption(agentOption());
    if (name === "set") sub.argument("[profileIds...]", "profile ids in order");
    sub.action((...args: unknown[]) => {
      const profileIds = name === "set" ? (args[0] as string[]) : [];
      const options = (name === "set" ? args[1] : args[0]) as { provider: string; json?: boolean; agent?: string };
      later(async (io) => (await import("./commands/auth/order.ts")).run({ action: name, ...options, profileIds }, io));
    });
  }
  const gatewayFlags = (command: Command) =>
    command
      .option("--port <port>", "port to listen on (else OPENCLAW_GATEWAY_PORT, else gateway.port, else 18789)")
      .option("--bind <address>", "loopback (default), lan, or an address to listen on")
      .option("--token <token>", "gateway token clients must send (default: OPENCLAW_GATEWAY_TOKEN from the environment, else gateway.auth.token)")
      .addOption(agentOption());
  const gateway = defaultAction(gatewayFlags(program.command("gateway").description("Run the local model gateway in the foreground (default: run)")), (options: Record<string, string | undefined>) =>
    later(async (io) => (await import("./commands/gateway/run.ts")).run(options, io)),
  );
  gatewayFlags(gateway.command("run").description("Run the local model gateway in the foreground")).action((options) =>
    later(async (io) => (await import("./commands/gateway/run.ts")).run(options, io)),
  );
  program
    .command("chat")
    .description("Chat with your models through the running gateway (interactive on a terminal; one message per line when piped)")
    .option("--url <url>", "the gateway (default: OPENCLAW_GATEWAY_URL, else gateway.bind/gateway.port of the config, else http://127.0.0.1:18789)")
    .option("--token <token>", "the gateway token (default: OPENCLAW_GATEWAY_TOKEN, else gateway.auth.token)")
    .option("--session <key>", "session key: the gateway remembers its /model choice (default: a new one per run, cli-<random>)")
    .option("--model <ref>", "model for every message: provider/model or an alias (default: the session's /model choice, else the default model)")
    .option("--agent <id>", "the agent whose session and credentials serve the chat (default: the gateway's)")
    .addHelpText(
      "after",
      `
On a terminal: type a message and the reply streams in; the conversation of this run is
sent with each message. /model <ref>, /models, /new and /reset are answered by the
gateway. Ctrl-C stops a reply; /exit, Ctrl-D or Ctrl-C at the prompt leaves.

Piped: one message per line, each reply followed by a newline, exit 0 at the end of
input (1 when a message failed, the gateway cannot be reached or refuses the token):
  printf 'Hello\\nAnd again\\n' | openclaw chat --model openai/gpt-5-mini`,
    )
    .action((options) => later(async (io) => (await import("./commands/chat/run.ts")).run(options, io)));

  const state = program
    .command("state")
    .description("Copy credentials between this host's state dir and the shared state on Redis (OPENCLAW_STATE_URL)");
  for (const [name, description] of [
    ["push", "Copy this host's credentials (JSON files or OpenClaw 2026.9's SQLite) into the shared state, merging per profile"],
    ["pull", "Copy the shared state's credentials into this host's state dir, merging per profile"],
  ] as const) {
    state
      .command(name)
      .description(description)
      .addOption(new Option("--agent <id>", "copy this agent's store (default: the configured default agent)"))
      .option("--all-agents", "copy every configured agent's store (agents.list), one after another")
      .option("--dry-run", "say what would happen; write nothing")
      .option("--prefer-source", "on a conflict (the credentials differ and neither expires later), take the source's instead of keeping the destination's")
      .addHelpText(
        "after",
        `
Needs OPENCLAW_STATE_URL=redis://[user:password@]host:6379/0 (or config state.url).
push copies local -> Redis, pull copies Redis -> local (the local store of whichever
OpenClaw era the state dir holds). Per profile of the source:
  added                       the destination had no such profile
  unchanged                   both hold the same credential
  updated                     both expire (OAuth, tokens with an expiry); the source's later
  kept destination (newer)    both expire; the destination's later
  conflict: kept destination  they differ and neither is newer (API keys, tokens without
                              expiry, equal expiries): reported, never overwritten
                              unless --prefer-source
Profiles only the destination has are left alone; nothing is deleted. Cooldowns and
usage: the later of each window (cooldown, disable, per-model) is kept; counts stay the
destination's. order / lastGood: copied for providers the destination has none for.
pull also adds missing auth.profiles entries to openclaw.json. Each agent is written in
one step. Secrets are shown masked.`,
      )
      .action((options) => later(async (io) => (await import("./commands/state/sync.ts")).run(name, options, io)));
  }

  program
    .command("doctor")
    .description("Check config, credentials, permissions and the gateway; --fix repairs what is safe (chmod, legacy imports, stale locks)")
    .option("--fix", "apply the safe repairs (never replaces a file's content or drops a credential)")
    .option("--repair", "same as --fix")
    .option("--yes", "do not ask before each repair")
    .option("--non-interactive", "never prompt (the default when not on a terminal)")
    .option("--json", "print a machine-readable report")
    .action((options) => later(async (io) => (await import("./commands/doctor.ts")).run(options, io)));

  const authMonitor = program.command("auth-monitor").description("Notify (ntfy, webhook, a command) when model credentials expire; systemd timer and Termux helpers");
  const monitorFlags = (command: Command) =>
    command
      .option("--warn-hours <h>", "a credential expiring within this many hours is a finding (default 24, as --check)")
      .option("--ntfy <topic>", "send to this ntfy topic (treat it as a password: anyone who knows it can read it)")
      .option("--ntfy-server <url>", "the ntfy server (default https://ntfy.sh)")
      .option("--webhook <url>", "POST a JSON document of the findings to this URL")
      .option("--command <cmd>", "run this with sh -c: the message on stdin, the fields in OPENCLAW_AUTH_* variables")
      .option("--timeout <seconds>", "timeout of each delivery (default 10)")
      .addOption(agentOption());
  monitorFlags(authMonitor.command("run").description("Run the `models status --check` check and notify; exit 0/1/2 as --check, 3 when a channel failed to deliver"))
    .option("--config <file>", "read the flags from this settings file (what `auth-monitor install` writes); flags given here win")
    .option("--json", "print JSON")
    .action((options) => later(async (io) => (await import("./commands/auth-monitor/run.ts")).run(options, io)));
  monitorFlags(authMonitor.command("install").description("Install a systemd user timer running `auth-monitor run` with these flags"))
    .option("--every <interval>", "how often: 30min (default), 1h, 15m, …")
    .option("--no-start", "write the units, do not enable or start the timer")
    .action((options) => later(async (io) => (await import("./commands/auth-monitor/install.ts")).run(options, io)));
  authMonitor
    .command("uninstall")
    .description("Stop and disable the timer; remove its units and settings file")
    .action(() => later(async (io) => (await import("./commands/auth-monitor/uninstall.ts")).run({}, io)));
  authMonitor
    .command("termux-script")
    .description("Print a Termux:Widget script that checks this host over SSH and shows a notification")
    .addOption(required(new Option("--host <ssh-host>", "the gateway host as ssh knows it (name, user@host or ssh-config alias)")))
    .option("--openclaw <path>", "the openclaw command on that host (default: openclaw)")
    .action((options) => later(async (io) => (await import("./commands/auth-monitor/termux-script.ts")).run(options, io)));

  program
    .command("onboard")
    .description("Set up credentials, the default model and the gateway (a wizard on a terminal; --non-interactive --accept-risk for scripts)")
    .option("--non-interactive", "no prompts: take everything from the flags and the environment")
    .option("--accept-risk", "acknowledge that --non-interactive stores credentials and edits openclaw.json without asking")
    .option("--auth-choice <choice>", "apiKey|token|openai-api-key|openrouter-api-key|custom-api-key|skip")
    .option("--anthropic-api-key <key>", "Anthropic API key (else ANTHROPIC_API_KEY, else an existing anthropic API-key profile)")
    .option("--openai-api-key <key>", "OpenAI API key (else OPENAI_API_KEY, else an existing openai API-key profile)")
    .option("--openrouter-api-key <key>", "OpenRouter API key (else OPENROUTER_API_KEY, else an existing openrouter API-key profile)")
    .option("--token-provider <id>", "provider of --token (only anthropic)")
    .option("--token <token>", "Anthropic setup-token (sk-ant-oat01-…) for --auth-choice token")
    .option("--token-profile-id <id>", "profile id for --token (default: anthropic:default)")
    .option("--token-expires-in <duration>", "when the token expires, e.g. 365d, 12h (a bare number means days)")
    .option("--custom-base-url <url>", "base URL of an OpenAI- or Anthropic-compatible endpoint")
    .option("--custom-api-key <key>", "its API key (else <ID>_API_KEY, else an existing profile; none = keyless)")
    .option("--custom-model-id <id>", "a model it serves; becomes the default model")
    .option("--custom-provider-id <id>", "provider id under models.providers (default: custom-<host>-<port>)")
    .option("--custom-compatibility <api>", "openai (default) or anthropic")
    .option("--secret-input-mode <mode>", "plaintext (default) or ref: store an env reference (keyRef) instead of the key")
    .option("--gateway-port <port>", "store gateway.port")
    .option("--gateway-token <token>", "store gateway.auth.token")
    .option("--install-daemon", "install and start the gateway as a service (what `openclaw gateway install` does), after the other steps")
    .addOption(agentOption())
    .action((options) => later(async (io) => (await import("./commands/onboard/run.ts")).run(options, io)));

  gateway
    .command("token")
    .description("Print the gateway token clients send: whole when piped (TOKEN=$(openclaw gateway token)), masked on a terminal")
    .action(() => later(async (io) => (await import("./commands/gateway/token.ts")).run(io)));
  gateway
    .command("install")
    .description("Install the gateway as a service (systemd user unit on Linux, LaunchAgent on macOS) and start it")
    .option("--no-start", "write the service file only; do not enable or start it")
    .action((options: { start?: boolean }) => later(async (io) => (await import("./commands/gateway/service.ts")).install(options, io)));
  gateway
    .command("uninstall")
    .description("Stop and remove the gateway service (never touches .env or the state)")
    .action(() => later(async (io) => (await import("./commands/gateway/service.ts")).uninstall(io)));
  for (const action of ["start", "stop", "restart"] as const) {
    gateway
      .command(action)
      .description(`${action[0]!.toUpperCase()}${action.slice(1)} the installed gateway service`)
      .action(() => later(async (io) => (await import("./commands/gateway/service.ts")).control(action, io)));
  }
  gateway
    .command("status")
    .description("Is the service installed, enabled, running, and does the gateway answer /health? (exit 0 only when running and healthy)")
    .action(() => later(async (io) => (await import("./commands/gateway/service.ts")).status(io)));
  return program;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    if (!pending) return 0;
    return (await pending(io)) ?? 0;
  } catch (error) {
    return reportError(io, error);
  }
}
