// A real `redis-server` (Debian's package) for the Redis backend's tests: started on a free
// port of 127.0.0.1 with its own temp dir, answered PING before it is handed out, stopped by
// the test. Missing redis-server: the tests skip and say so loudly, unless CI=true, where a
// missing redis-server is a failure (.ci/run installs it).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findExecutable } from "../../src/cli/find-executable.ts";

export function findRedisServer(): string | undefined {
  return findExecutable("redis-server", { PATH: ["/usr/bin", process.env.PATH ?? ""].join(delimiter) });
}

/**
 * `false` when the tests can run, else why they are skipped. Under CI=true a missing
 * redis-server throws instead: CI must run them.
 */
export function redisSkipReason(testFile: string): string | false {
  if (findRedisServer()) return false;
  const why = "redis-server is not installed (looked in /usr/bin and PATH). Install Debian's package: apt-get install -y redis-server";
  if (process.env.CI === "true") throw new Error(`${testFile}: ${why}; under CI=true this is a failure, not a skip (.ci/run installs it).`);
  console.error(`\n*** ${testFile} SKIPPED: ${why} ***\n`);
  return why;
}

export interface RedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:<port>/0`. */
  url: string;
  /** The server's log so far (for a failing test's message). */
  log(): string;
  /** Stops the server and starts it again on the same port and dir: empty without `appendonly`, a Redis that lost its data. */
  restart(): Promise<void>;
  /** SIGKILL, no goodbye to its clients (a crash, a lost host); `start()` brings it back. */
  kill(): Promise<void>;
  /** Starts it again after `kill()`, on the same port and dir. */
  start(): Promise<void>;
  /** One command on a connection of its own (AUTH first when there is a password): a bulk reply's value, else the reply line (`:1`, `+OK`). */
  command(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** `--requirepass`: clients must AUTH with it. */
  password?: string;
  /** `--appendonly yes --appendfsync always`: what is stored survives a kill (docs/scale-out.md §5). */
  appendonly?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True once the server answers PING (with PONG, or NOAUTH when it wants a password). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

interface Started {
  child: ChildProcess;
  log(): string;
}

/** Starts redis-server on `port` and waits for PING; undefined when the port was taken. */
async function spawnServer(binary: string, port: number, dir: string, options: RedisServerOptions): Promise<Started | undefined> {
  const aof = options.appendonly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...aof, "--daemonize", "no", "--logfile", ""];
  if (options.password) args.push("--requirepass", options.password);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break; // the port was taken in between
    if (await answersPing(port)) return { child, log: () => log };
    await sleep(20);
  }
  await stopChild(child);
  if (/address already in use/i.test(log)) return undefined;
  throw new Error(`redis-server did not answer PING on port ${port}:\n${log}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited(child);
  clearTimeout(killer);
}

async function startOnce(binary: string, options: RedisServerOptions): Promise<RedisServer | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "openclaw-redis-"));
  let started = await spawnServer(binary, port, dir, options);
  if (!started) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  const startAgain = async () => {
    const again = await spawnServer(binary, port, dir, options);
    if (!again) throw new Error(`redis-server could not listen on port ${port} again`);
    started = again;
  };
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}/0`,
    log: () => started!.log(),
    async restart() {
      await stopChild(started!.child);
      await startAgain();
    },
    async kill() {
      const { child } = started!;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited(child);
    },
    start: startAgain,
    command: (...args) => sendCommand(port, options.password ? [["AUTH", options.password], args] : [args]),
    async stop() {
      await stopChild(started!.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error("redis-server is not installed");
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await startOnce(binary, options);
    if (server) return server;
  }
  throw new Error("redis-server: no free port after 5 attempts");
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
}

/**
 * The replies to `count` commands in `text`, once all are complete: a bulk string's value, else
 * the reply's line as Redis sent it (`+OK`, `:1`, `-ERR …`). Enough for one-line values.
 */
function replies(text: string, count: number): string[] | undefined {
  const lines = text.split("\r\n");
  const values: string[] = [];
  let i = 0;
  while (values.length < count) {
    if (i >= lines.length - 1) return undefined;
    const line = lines[i++]!;
    if (/^\$\d+$/.test(line)) {
      if (i >= lines.length - 1) return undefined;
      values.push(lines[i++]!);
    } else values.push(line);
  }
  return values;
}

/** Sends `commands` on one connection; resolves with the last reply (see `replies`). */
function sendCommand(port: number, commands: string[][]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let text = "";
    socket.setTimeout(5_000, () => socket.destroy(new Error("redis command timed out")));
    socket.on("error", reject);
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      const values = replies(text, commands.length);
      if (values) {
        socket.destroy();
        resolve(values.at(-1)!);
      }
    });
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of `targetPort` that holds every chunk for `delayMs` in each
 * direction (a slow network or an overloaded Redis), order kept.
 */
export async function startDelayProxy(targetPort: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const delayed = (from: import("node:net").Socket, to: import("node:net").Socket) => {
    from.on("data", (chunk) => void setTimeout(() => to.writable && to.write(chunk), delayMs));
    from.on("end", () => void setTimeout(() => to.end(), delayMs));
    from.on("error", () => to.destroy());
    from.on("close", () => void setTimeout(() => to.destroy(), delayMs));
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
