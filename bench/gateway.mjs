#!/usr/bin/env node
// Gateway benchmark (DESIGN §5): the same fake upstream called directly and
// through `openclaw gateway`, in the same run, 16 requests in flight; streaming
// time to first byte; start to ready; idle RSS and RSS after 10 000 requests.
// Writes its table into bench/RESULTS.md between markers.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "openclaw.cjs");
const TOKEN = "bench-gateway-token";
const CONCURRENCY = 16;
const REQUESTS = Number(process.env.BENCH_GATEWAY_REQUESTS ?? 4000);

const env = { ...process.env, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;

// On a machine with two or more cores the gateway gets a core of its own, and
// the fake upstream shares one with the load generator (which this script
// pins itself to): as in production, where the upstream runs elsewhere.
const PIN = cpus().length >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
if (PIN && !process.env.OPENCLAW_BENCH_PINNED) {
  const result = spawnSync("taskset", ["-c", "0", process.execPath, ...process.argv.slice(1)], { stdio: "inherit", env: { ...process.env, OPENCLAW_BENCH_PINNED: "1" } });
  process.exit(result.status ?? 1);
}

function startProcess(args, extraEnv = {}, cpu = "0") {
  const [command, argv] = PIN ? ["taskset", ["-c", cpu, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
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

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

async function load(origin, path, headers, body, count, concurrency = CONCURRENCY) {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const start = process.hrtime.bigint();
      const { statusCode, body: responseBody } = await pool.request({ method: "POST", path, headers, body });
      await responseBody.text();
      if (statusCode !== 200) throw new Error(`status ${statusCode} from ${origin}${path}`);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  return latencies;
}

async function timeToFirstByte(origin, path, headers, body, count) {
  const pool = new Pool(origin, { connections: 1 });
  const samples = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const { body: responseBody } = await pool.request({ method: "POST", path, headers, body });
    for await (const _chunk of responseBody) {
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      break;
    }
    await responseBody.text().catch(() => undefined);
  }
  await pool.close();
  return samples;
}

async function waitReady(url) {
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// --- setup: a home whose openai provider is the fake upstream
const upstream = startProcess([join(root, "bench", "fake-upstream.mjs")]);
const upstreamPort = Number(await upstream.firstLine);
const upstreamOrigin = `http://127.0.0.1:${upstreamPort}`;
const home = mkdtempSync(join(tmpdir(), "openclaw-gw-bench-"));
const agentDir = join(home, ".openclaw", "agents", "main", "agent");
mkdirSync(agentDir, { recursive: true, mode: 0o700 });
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ models: { providers: { openai: { baseUrl: `${upstreamOrigin}/v1` } } }, gateway: { auth: { token: TOKEN } } }), { mode: 0o600 });
writeFileSync(join(agentDir, "auth-profiles.json"), JSON.stringify({ version: 1, profiles: { "openai:default": { type: "api_key", provider: "openai", key: "sk-bench-" + "k".repeat(40) } } }), { mode: 0o600 });
const gatewayEnv = { HOME: home };

// --- start to ready (fresh process each time)
const startTimes = [];
for (let i = 0; i < 7; i++) {
  const started = process.hrtime.bigint();
  const gw = startProcess([cli, "gateway", "--port", "0"], gatewayEnv, "1");
  const url = (await gw.firstLine).replace("Gateway listening on ", "").trim();
  await waitReady(url);
  startTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  gw.child.kill("SIGTERM");
  await new Promise((resolve) => gw.child.on("exit", resolve));
}

// --- the gateway under test
const gw = startProcess([cli, "gateway", "--port", "0"], gatewayEnv, "1");
const gatewayUrl = (await gw.firstLine).replace("Gateway listening on ", "").trim();
await waitReady(gatewayUrl);
await new Promise((resolve) => setTimeout(resolve, 500));
const idleRss = rssMb(gw.child.pid);

const body = JSON.stringify({ model: "openai/gpt-5.2", messages: [{ role: "user", content: "Say OK" }] });
const directBody = JSON.stringify({ model: "gpt-5.2", messages: [{ role: "user", content: "Say OK" }] });
const streamBody = JSON.stringify({ model: "openai/gpt-5.2", stream: true, messages: [{ role: "user", content: "Say OK" }] });
const directStreamBody = JSON.stringify({ model: "gpt-5.2", stream: true, messages: [{ role: "user", content: "Say OK" }] });
const json = { "content-type": "application/json" };
const direct = () => load(upstreamOrigin, "/v1/chat/completions", { ...json, authorization: "Bearer sk-bench" }, directBody, REQUESTS);
const viaGateway = () => load(gatewayUrl, "/v1/chat/completions", { ...json, authorization: `Bearer ${TOKEN}` }, body, REQUESTS);

// Warm both paths, then alternate rounds so drift hits both equally.
await direct();
await viaGateway();
const directLatencies = [];
const gatewayLatencies = [];
for (let round = 0; round < 3; round++) {
  directLatencies.push(...(await direct()));
  gatewayLatencies.push(...(await viaGateway()));
}
// One request at a time: the gateway's own cost per request, without queueing.
const directSerial = [];
const gatewaySerial = [];
for (let round = 0; round < 3; round++) {
  directSerial.push(...(await load(upstreamOrigin, "/v1/chat/completions", { ...json, authorization: "Bearer sk-bench" }, directBody, 500, 1)));
  gatewaySerial.push(...(await load(gatewayUrl, "/v1/chat/completions", { ...json, authorization: `Bearer ${TOKEN}` }, body, 500, 1)));
}
await new Promise((resolve) => setTimeout(resolve, 1000));
const warmRss = rssMb(gw.child.pid);
const directTtfb = [];
const gatewayTtfb = [];
for (let round = 0; round < 3; round++) {
  directTtfb.push(...(await timeToFirstByte(upstreamOrigin, "/v1/chat/completions", { ...json, authorization: "Bearer sk-bench" }, directStreamBody, 100)));
  gatewayTtfb.push(...(await timeToFirstByte(gatewayUrl, "/v1/chat/completions", { ...json, authorization: `Bearer ${TOKEN}` }, streamBody, 100)));
}
const requestsServed = 2 * REQUESTS + 3 * REQUESTS + 1500 + 300;
// Top up to 10 000 requests through the gateway before the second RSS reading.
if (requestsServed < 10_000) await load(gatewayUrl, "/v1/chat/completions", { ...json, authorization: `Bearer ${TOKEN}` }, body, 10_000 - requestsServed);
await new Promise((resolve) => setTimeout(resolve, 1000));
const busyRss = rssMb(gw.child.pid);
// …and once more after another 10 000: a leak keeps growing, a warm heap does not.
await load(gatewayUrl, "/v1/chat/completions", { ...json, authorization: `Bearer ${TOKEN}` }, body, 10_000);
await new Promise((resolve) => setTimeout(resolve, 1000));
const laterRss = rssMb(gw.child.pid);

gw.child.kill("SIGTERM");
upstream.child.kill("SIGTERM");
await new Promise((resolve) => gw.child.on("exit", resolve));
rmSync(home, { recursive: true, force: true });

const fmt = (n, d = 2) => n.toFixed(d);
const p50Added = quantile(gatewayLatencies, 0.5) - quantile(directLatencies, 0.5);
const p99Added = quantile(gatewayLatencies, 0.99) - quantile(directLatencies, 0.99);
const ttfbAdded = quantile(gatewayTtfb, 0.5) - quantile(directTtfb, 0.5);
const startMedian = quantile(startTimes, 0.5);
const check = (ok) => (ok ? "✓" : "✗");
const table = [
  `Measured ${new Date().toISOString()} on ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}; ${CONCURRENCY} in flight, ${3 * REQUESTS} requests per path (after a warm-up round), non-streaming; TTFB over 300 sequential streamed requests per path. ${PIN ? "Gateway pinned to CPU 1; load generator and fake upstream share CPU 0." : "Load generator, gateway and fake upstream share the machine's cores."}`,
  "",
  "| What | direct | via gateway | added | budget |",
  "|---|---:|---:|---:|---|",
  `| latency p50 (ms) | ${fmt(quantile(directLatencies, 0.5))} | ${fmt(quantile(gatewayLatencies, 0.5))} | ${fmt(p50Added)} | ≤ 0.5 ms ${check(p50Added <= 0.5)} |`,
  `| latency p99 (ms) | ${fmt(quantile(directLatencies, 0.99))} | ${fmt(quantile(gatewayLatencies, 0.99))} | ${fmt(p99Added)} | ≤ 2 ms ${check(p99Added <= 2)} |`,
  `| latency p50, 1 in flight (ms) | ${fmt(quantile(directSerial, 0.5))} | ${fmt(quantile(gatewaySerial, 0.5))} | ${fmt(quantile(gatewaySerial, 0.5) - quantile(directSerial, 0.5))} | (the gateway's own cost per request) |`,
  `| latency p99, 1 in flight (ms) | ${fmt(quantile(directSerial, 0.99))} | ${fmt(quantile(gatewaySerial, 0.99))} | ${fmt(quantile(gatewaySerial, 0.99) - quantile(directSerial, 0.99))} | |`,
  `| streaming time to first byte p50 (ms) | ${fmt(quantile(directTtfb, 0.5))} | ${fmt(quantile(gatewayTtfb, 0.5))} | ${fmt(ttfbAdded)} | ≤ 1 ms ${check(ttfbAdded <= 1)} |`,
  `| start to ready (ms, median of 7) | | ${fmt(startMedian, 0)} | | ≤ 400 ms ${check(startMedian <= 400)} |`,
  `| idle RSS, just started (MB) | | ${fmt(idleRss, 1)} | | ≤ 80 MB ${check(idleRss <= 80)} |`,
  `| RSS after 10 000 requests (MB) | | ${fmt(busyRss, 1)} | ${fmt(busyRss - idleRss, 1)} | within 20 MB of idle ${check(busyRss - idleRss <= 20)} |`,
  `| RSS idle after warm-up → after 10 000 more (MB) | | ${fmt(warmRss, 1)} → ${fmt(laterRss, 1)} | ${fmt(laterRss - warmRss, 1)} | (no leak: growth stops once warm) |`,
].join("\n");
console.log(table);

const resultsPath = join(root, "bench", "RESULTS.md");
const BEGIN = "<!-- gateway-bench:begin -->";
const END = "<!-- gateway-bench:end -->";
const current = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "";
if (current.includes(BEGIN) && current.includes(END)) {
  writeFileSync(resultsPath, current.slice(0, current.indexOf(BEGIN) + BEGIN.length) + "\n" + table + "\n" + current.slice(current.indexOf(END)));
  console.log(`\nWrote ${resultsPath}`);
}
