// Shared by the gateway benchmarks (gateway.mjs, redis.mjs): pinning, starting and stopping the
// processes under test, their CPU time and RSS, and a load generator with N requests in flight.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { Pool } from "undici";

export const CONCURRENCY = 16;

export const env = { ...process.env, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;

// On a machine with two or more cores the process under test (gateway or
// minimal proxy) gets a core of its own, and the fake upstream shares one with
// the load generator (which the script pins itself to): as in production,
// where the upstream runs elsewhere.
export const PIN = cpus().length >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** Runs the calling script again pinned to CPU 0 (and exits with its status), unless it already is. */
export function pinSelfToCpu0() {
  if (!PIN || process.env.OPENCLAW_BENCH_PINNED) return;
  const result = spawnSync("taskset", ["-c", "0", process.execPath, ...process.argv.slice(1)], { stdio: "inherit", env: { ...process.env, OPENCLAW_BENCH_PINNED: "1" } });
  process.exit(result.status ?? 1);
}

/** Starts `node <args>` (pinned to `cpu`); `firstLine` resolves with the first line it prints. */
export function startProcess(args, extraEnv = {}, cpu = "0") {
  const [command, argv] = PIN ? ["taskset", ["-c", cpu, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  // Passed on, but for the gateway's line on every stop.
  child.stderr.on("data", (data) => {
    const text = String(data).replace(/^SIGTERM: finishing in-flight requests, then stopping\.\n/m, "");
    if (text) process.stderr.write(text);
  });
  const firstLine = new Promise((resolve) => {
    let out = "";
    const onData = (data) => {
      out += data;
      if (out.includes("\n")) {
        child.stdout.off("data", onData);
        resolve(out.split("\n")[0]);
        child.stdout.resume();
      }
    };
    child.stdout.on("data", onData);
  });
  return { child, firstLine };
}

export async function stop(child) {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export async function waitReady(url) {
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `openclaw gateway --port 0` on CPU 1, ready; `{ name, origin, pid, served, child }`. */
export async function startGateway(cli, name, extraEnv) {
  const started = startProcess([cli, "gateway", "--port", "0"], extraEnv, "1");
  const origin = (await started.firstLine).replace("Gateway listening on ", "").trim();
  await waitReady(origin);
  return { name, origin, pid: started.child.pid, served: 0, child: started.child };
}

export function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
}

// utime + stime of a whole process (all its threads), in ms.
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Sends `count` requests, `concurrency` at a time; returns each one's latency in ms. */
export async function load(target, path, headers, body, count, concurrency = CONCURRENCY) {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const start = process.hrtime.bigint();
      const { statusCode, body: responseBody } = await pool.request({ method: "POST", path, headers, body });
      const text = await responseBody.text();
      if (statusCode !== 200) throw new Error(`status ${statusCode} from ${target.name} ${path}: ${text.slice(0, 300)}`);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  target.served += count;
  return latencies;
}

/** CPU µs per request of `target` over one round of `count` requests. */
export async function cpuRound(target, path, headers, body, count) {
  const before = cpuMs(target.pid);
  await load(target, path, headers, body, count);
  return ((cpuMs(target.pid) - before) * 1000) / count;
}

// Request bodies as a client sends them (model `openai/gpt-5.2`, served by the fake OpenAI upstream).
const PROSE = "Summarise the following notes for the weekly report, keeping every number and name exactly as written. ";
export function bodyOfSize(format, bytes, extra = {}) {
  const make = (content) =>
    JSON.stringify(format === "openai" ? { model: "openai/gpt-5.2", ...extra, messages: [{ role: "user", content }] } : { model: "openai/gpt-5.2", max_tokens: 64, ...extra, messages: [{ role: "user", content }] });
  const overhead = Buffer.byteLength(make(""));
  return make(PROSE.repeat(Math.ceil(bytes / PROSE.length)).slice(0, Math.max(1, bytes - overhead)));
}

export const ROUTES = { openai: "/v1/chat/completions", anthropic: "/v1/messages" };

/** A home whose openai provider is `upstreamOrigin`, with the gateway token; the credential store is the caller's. */
export function benchConfig(upstreamOrigin, token) {
  return {
    agents: { defaults: { model: { primary: "openai/gpt-5.2" } } },
    models: { providers: { openai: { baseUrl: `${upstreamOrigin}/v1` } } },
    gateway: { auth: { token } },
  };
}
