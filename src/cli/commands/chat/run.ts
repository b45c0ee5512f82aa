// `openclaw chat [--url] [--token] [--session] [--model] [--agent]`: a chat with
// the models through a running gateway, over its WebSocket (docs/chat.md).
// Interactive on a terminal; with piped input, one message per line and each
// reply on stdout followed by a newline. The gateway keeps no transcript: the
// conversation of this run is sent with every turn. Slash commands (`/model …`,
// `/new`) go to the gateway, which answers them; they are not part of the
// conversation sent to the model.
import { randomBytes } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import { registerSecret, redactSecrets } from "../../../auth/redact.ts";
import { configuredToken } from "../../../gateway/token.ts";
import { loadStateContext, type StateContext } from "../../../state/context.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { UsageError } from "../../errors.ts";
import { colorizer, printErrorLine, printLine, type CliIO } from "../../io.ts";
import { connectHost, resolveHost, resolvePort } from "../gateway/address.ts";
import { ChatClient, type TurnEnd } from "./client.ts";

export interface ChatOptions {
  url?: string;
  token?: string;
  session?: string;
  model?: string;
  agent?: string;
}

interface Message {
  role: "user" | "assistant";
  content: string;
}

/** Session keys and agent ids travel as HTTP headers inside the gateway. */
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

function loadContext(io: CliIO): Promise<StateContext> {
  return loadStateContext({
    env: io.env,
    cwd: io.cwd,
    // Neither the URL nor the token come from the login-shell import: do not run the shell.
    shellEnvKeys: { triggerKeys: [], importKeys: [] },
    previousShellEnv: { enabled: false, appliedKeys: [] },
  });
}

/** `http://host:port`, `ws://…`, with or without a path, or `host:port` → the gateway's ws://…/ws. */
export function webSocketUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new UsageError(`Invalid gateway URL "${raw}".`, "Expected the gateway's address, e.g. http://127.0.0.1:18789.");
  }
  const scheme = { "http:": "ws:", "ws:": "ws:", "https:": "wss:", "wss:": "wss:" }[url.protocol];
  if (!scheme || !url.host) throw new UsageError(`Invalid gateway URL "${raw}".`, "Expected http://, https://, ws:// or wss:// and a host, e.g. http://127.0.0.1:18789.");
  return `${scheme}//${url.host}/ws`;
}

async function resolveGateway(options: ChatOptions, io: CliIO): Promise<{ url: string; token: string }> {
  const flagOrEnvUrl = options.url?.trim() || io.env.OPENCLAW_GATEWAY_URL?.trim();
  const flagOrEnvToken = options.token?.trim() || io.env.OPENCLAW_GATEWAY_TOKEN?.trim();
  const ctx = flagOrEnvUrl && flagOrEnvToken ? undefined : await loadContext(io);
  let url: string;
  if (flagOrEnvUrl) url = webSocketUrl(flagOrEnvUrl);
  else {
    const config = ctx!.config;
    const host = connectHost(resolveHost(undefined, config));
    const port = resolvePort(undefined, ctx!.env.value("OPENCLAW_GATEWAY_PORT"), config);
    url = `ws://${host.includes(":") ? `[${host}]` : host}:${port}/ws`;
  }
  const token = flagOrEnvToken ?? (ctx ? configuredToken(ctx, undefined)?.token : undefined);
  if (!token) {
    throw new OpenClawError("No gateway token to connect with.", {
      hint: "Set OPENCLAW_GATEWAY_TOKEN or pass --token; a gateway started on this machine stores its token as gateway.auth.token (`openclaw gateway token` prints it).",
    });
  }
  return { url, token };
}

function checkKey(value: string | undefined, flag: string): void {
  if (value !== undefined && !KEY_PATTERN.test(value)) throw new UsageError(`Invalid ${flag} "${value}".`, "Expected 1 to 200 printable ASCII characters, no leading or trailing space.");
}

const EXIT_COMMANDS = new Set(["/exit", "/quit"]);
const RESET_COMMANDS = new Set(["/new", "/reset"]);

/** One conversation: the history of this run, and the turns sent with it. */
class Conversation {
  private history: Message[] = [];
  private running: string | undefined;

  constructor(
    private readonly client: ChatClient,
    private readonly options: ChatOptions & { session: string },
  ) {}

  /** Sends one line as a turn; `write` gets the reply as it arrives. */
  async say(line: string, write: (text: string) => void): Promise<TurnEnd> {
    const command = line.startsWith("/");
    const messages: Message[] = [...this.history, { role: "user", content: line }];
    const { id, end } = this.client.turn(
      { session: this.options.session, messages, ...(this.options.model ? { model: this.options.model } : {}), ...(this.options.agent ? { agent: this.options.agent } : {}) },
      (text) => write(redactSecrets(text)),
    );
    this.running = id;
    const result = await end;
    this.running = undefined;
    // A chat command and its answer are between the user and the gateway, not part of the conversation.
    if (result.ok && !command) this.history = [...messages, { role: "assistant", content: result.text }];
    if (result.ok && RESET_COMMANDS.has(line.split(/\s/)[0]!.toLowerCase())) this.history = [];
    return result;
  }

  /** Stops the running turn; false when none is running. */
  cancel(): boolean {
    if (this.running === undefined) return false;
    this.client.cancel(this.running);
    return true;
  }
}

function failureText(end: TurnEnd): string {
  if (end.status === 499) return "Cancelled.";
  return `${end.message ?? "The turn failed."}${end.status ? ` (HTTP ${end.status})` : ""}`;
}

function readLines(io: CliIO, terminal: boolean): Interface {
  const input = io.stdin;
  if (!input) throw new OpenClawError("`openclaw chat` needs a readable stdin.");
  return createInterface({ input, ...(terminal ? { output: io.stdout as NodeJS.WritableStream, terminal: true } : { terminal: false }), crlfDelay: Infinity });
}

/** Piped: one message per line, each reply (streamed) followed by a newline; exit 1 when any turn failed. */
async function piped(conversation: Conversation, client: ChatClient, io: CliIO): Promise<number> {
  let failed = false;
  const lines = readLines(io, false);
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (EXIT_COMMANDS.has(line.toLowerCase())) break;
    const end = await conversation.say(line, (text) => io.stdout.write(text));
    if (end.ok) io.stdout.write("\n");
    else {
      failed = true;
      printErrorLine(io, `Error: ${failureText(end)}`);
      if (client.closed) break;
    }
  }
  lines.close();
  return failed ? 1 : 0;
}

/** On a terminal: a prompt, the reply as it streams, Ctrl-C to stop a reply or (at the prompt) to leave. */
async function interactive(conversation: Conversation, client: ChatClient, io: CliIO, url: string, session: string): Promise<number> {
  const color = colorizer(io);
  const dim = (text: string) => color(2, text);
  printLine(io, dim(`Connected to ${url} (gateway ${client.version || "?"}), session ${session}.`));
  printLine(io, dim("Type a message; /model, /models, /new are answered by the gateway. Ctrl-C stops a reply; /exit or Ctrl-C at the prompt leaves."));
  const lines = readLines(io, true);
  lines.setPrompt(color(1, "you› "));
  let busy = false;
  lines.on("SIGINT", () => {
    if (busy && conversation.cancel()) return;
    io.stdout.write("\n");
    lines.close();
  });
  lines.prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (EXIT_COMMANDS.has(line.toLowerCase())) break;
    if (line) {
      busy = true;
      const end = await conversation.say(line, (text) => io.stdout.write(text));
      busy = false;
      if (end.ok) {
        io.stdout.write("\n");
        const served = [end.model, end.profile].filter(Boolean).join(" · ");
        if (served) printLine(io, dim(`(${served}${end.fallbackFor ? `, fallback for ${end.fallbackFor}` : ""})`));
      } else {
        io.stdout.write("\n");
        printErrorLine(io, `Error: ${failureText(end)}`);
        if (client.closed) {
          lines.close();
          return 1;
        }
      }
    }
    lines.prompt();
  }
  lines.close();
  return 0;
}

export async function run(options: ChatOptions, io: CliIO): Promise<number> {
  checkKey(options.session, "--session");
  checkKey(options.agent, "--agent");
  if (options.model !== undefined && !options.model.trim()) throw new UsageError("--model needs a model (provider/model, an alias or default).");
  const { url, token } = await resolveGateway(options, io);
  registerSecret(token);
  const session = options.session ?? `cli-${randomBytes(6).toString("hex")}`;
  const client = await ChatClient.connect(url, token);
  try {
    const conversation = new Conversation(client, { ...options, session });
    return io.stdinIsTTY ? await interactive(conversation, client, io, url, session) : await piped(conversation, client, io);
  } finally {
    client.close();
  }
}
