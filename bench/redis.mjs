#!/usr/bin/env node
// `npm run bench`, Redis part (issue 12), in one run against one redis-server:
// - gateway CPU per request (utime+stime of the gateway process / requests, 16 in flight,
//   same-format 300 B, as gateway.mjs) with the Redis backend against the same gateway on
//   JSON files, rounds alternating; budget ≤ 1.1×;
// - cross-host propagation: a write on host 1 (POST /api/order, the Control UI's `order set`,
//   committed through host 1's backend) until host 2 answers with it, p50/p99 over N writes.
//   Host 2 is probed in a tight loop (GET /api/order, one at a time); the commit's time is
//   when this script's own subscriber hears the commit's change message (published inside
//   the commit script, so at the commit), which host 2's subscriber hears at the same moment.
// Writes its table into bench/RESULTS.md between the redis-bench markers.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { Pool } from "undici";
import { benchConfig, bodyOfSize, CONCURRENCY, cpuRound, env, load, PIN, pinSelfToCpu0, ROUTES, startGateway, startProcess, stop } from "./gateway-harness.mjs";
import { check, median, quantile, ROOT, startRun, writeResults } from "./report.mjs";

const cli = join(ROOT, "dist", "openclaw.cjs");
const TOKEN = "bench-redis-gateway-token";
const PASSWORD = "bench-redis-password-" + process.pid;
const PREFIX = "bench:";
const CPU_REQUESTS = Number(process.env.BENCH_REDIS_CPU_REQUESTS ?? 6000);
const CPU_ROUNDS = Number(process.env.BENCH_REDIS_CPU_ROUNDS ?? 7);
const WRITES = Number(process.env.BENCH_REDIS_WRITES ?? 200);
const KEYS = { "openai:a": "sk-bench-a-" + "k".repeat(40), "openai:b": "sk-bench-b-" + "k".repeat(40) };

if (spawnSync("redis-server", ["--version"]).status !== 0) {
  console.log("bench/redis.mjs skipped: redis-server is not installed (apt-get install -y redis-server); bench/RESULTS.md left as it was.");
  process.exit(0);
}
pinSelfToCpu0();
const finishRun = startRun();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** redis-server on CPU 0 (with the load generator), no persistence: what is measured is the gateway. */
async function startRedis() {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", PASSWORD, "--logfile", ""];
  const child = PIN ? spawn("taskset", ["-c", "0", "redis-server", ...args], { stdio: "ignore" }) : spawn("redis-server", args, { stdio: "ignore" });
  const url = `redis://:${PASSWORD}@127.0.0.1:${port}/0`;
  for (let attempt = 0; ; attempt++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.quit();
      return { child, url };
    } catch (error) {
      if (attempt > 100) throw error;
      await sleep(50);
    }
  }
}

function makeHome(upstreamOrigin, store) {
  const home = mkdtempSync(join(tmpdir(), "openclaw-redis-bench-"));
  const agentDir = join(home, ".openclaw", "agents", "main", "agent");
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(benchConfig(upstreamOrigin, TOKEN)), { mode: 0o600 });
  if (store) writeFileSync(join(agentDir, "auth-profiles.json"), JSON.stringify(store), { mode: 0o600 });
  return home;
}

/** The same two profiles in Redis, stored through the CLI as a user would. */
async function pasteIntoRedis(upstreamOrigin, stateEnv) {
  const home = makeHome(upstreamOrigin);
  for (const [id, key] of Object.entries(KEYS)) {
    const child = spawn(process.execPath, [cli, "models", "auth", "paste-api-key", "--provider", "openai", "--profile-id", id], { env: { ...env, HOME: home, ...stateEnv }, stdio: ["pipe", "ignore", "inherit"] });
    child.stdin.end(key);
    const code = await new Promise((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`paste-api-key ${id} exited with ${code}`);
  }
  rmSync(home, { recursive: true, force: true });
}

const upstreamProcess = startProcess([join(ROOT, "bench", "fake-upstream.mjs")]);
const upstreamOrigin = `http://127.0.0.1:${Number(await upstreamProcess.firstLine)}`;
const redis = await startRedis();
const stateEnv = { OPENCLAW_STATE_URL: `${redis.url}?prefix=${PREFIX}` };
const profiles = Object.fromEntries(Object.entries(KEYS).map(([id, key]) => [id, { type: "api_key", provider: "openai", key }]));
const filesHome = makeHome(upstreamOrigin, { version: 1, profiles });
const redisHomes = [makeHome(upstreamOrigin), makeHome(upstreamOrigin)];
await pasteIntoRedis(upstreamOrigin, stateEnv);

// --- CPU per request: the gateway on files against the gateway on Redis, rounds alternating
const json = { "content-type": "application/json" };
const viaToken = { ...json, authorization: `Bearer ${TOKEN}` };
const small = bodyOfSize("openai", 300);
const files = await startGateway(cli, "gateway on files", { HOME: filesHome });
const onRedis = await startGateway(cli, "gateway on Redis", { HOME: redisHomes[0], ...stateEnv });
for (const target of [files, onRedis]) await load(target, ROUTES.openai, viaToken, small, 1000);
const perRequestUs = new Map([
  [files, []],
  [onRedis, []],
]);
for (let round = 0; round < CPU_ROUNDS; round++) {
  for (const target of round % 2 === 0 ? [files, onRedis] : [onRedis, files]) {
    perRequestUs.get(target).push(await cpuRound(target, ROUTES.openai, viaToken, small, CPU_REQUESTS));
  }
}
await stop(files.child);

// --- propagation: order writes on host 1, host 2 probed until it answers with each
const host1 = onRedis;
const host2 = await startGateway(cli, "host 2", { HOME: redisHomes[1], ...stateEnv });
const subscriber = createClient({ url: redis.url });
await subscriber.connect();
let commitHeard = { at: 0, rev: 0 };
await subscriber.subscribe(`${PREFIX}changes`, (message) => {
  const at = performance.now();
  const change = JSON.parse(message);
  if (change.agent === "main" && typeof change.rev === "number") commitHeard = { at, rev: change.rev };
});
const probePool = new Pool(host2.origin, { connections: 1 });
const writePool = new Pool(host1.origin, { connections: 1 });
const firstOfOpenAiOrder = async () => {
  const { body } = await probePool.request({ method: "GET", path: "/api/order", headers: { authorization: `Bearer ${TOKEN}` } });
  return (await body.json()).providers.find((entry) => entry.provider === "openai")?.override?.[0];
};
const fromCommit = [];
const fromWrite = [];
const probeMs = [];
for (let i = 0; i < WRITES + 5; i++) {
  const order = i % 2 === 0 ? ["openai:a", "openai:b"] : ["openai:b", "openai:a"];
  const revBefore = commitHeard.rev;
  const sent = performance.now();
  const written = writePool.request({ method: "POST", path: "/api/order", headers: viaToken, body: JSON.stringify({ provider: "openai", order }) }).then(async ({ statusCode, body }) => {
    const text = await body.text();
    if (statusCode !== 200) throw new Error(`POST /api/order: ${statusCode} ${text.slice(0, 200)}`);
  });
  let seen;
  for (;;) {
    const probeStart = performance.now();
    const first = await firstOfOpenAiOrder();
    seen = performance.now();
    probeMs.push(seen - probeStart);
    if (first === order[0]) break;
  }
  await written;
  while (commitHeard.rev <= revBefore) await sleep(1);
  // The first five are warm-up (connections, JIT); then a short random pause so that writes do not fall in step with any timer.
  if (i >= 5) {
    fromCommit.push(seen - commitHeard.at);
    fromWrite.push(seen - sent);
  }
  await sleep(10 + Math.random() * 20);
}
await Promise.all([probePool.close(), writePool.close(), subscriber.quit()]);

await Promise.all([stop(host1.child), stop(host2.child), stop(upstreamProcess.child)]);
redis.child.kill("SIGTERM");
for (const home of [filesHome, ...redisHomes]) rmSync(home, { recursive: true, force: true });

// --- the table
const fmt = (n, digits = 2) => n.toFixed(digits);
const filesUs = median(perRequestUs.get(files));
const redisUs = median(perRequestUs.get(onRedis));
const ratio = redisUs / filesUs;
const range = (values) => `${fmt(Math.min(...values), 0)}–${fmt(Math.max(...values), 0)}`;
const table = [
  `${finishRun()} ${PIN ? "The gateways are pinned to CPU 1; the load generator, the fake upstream and redis-server share CPU 0." : "Everything shares the machine's cores."} redis-server 7, password on, no persistence, on 127.0.0.1.`,
  "",
  `CPU per request: utime+stime of the gateway process over ${CPU_ROUNDS} rounds of ${CPU_REQUESTS.toLocaleString("en-US")} same-format 300 B OpenAI requests per backend, alternating, ${CONCURRENCY} in flight, non-streaming, after 1,000 warm-up requests each; median of the rounds (range in brackets). Usage is written in the gateway's usual batches (every 200 ms), through the backend.`,
  "",
  "| Gateway | µs/request | × files | budget |",
  "|---|---:|---:|---|",
  `| credentials in JSON files | ${fmt(filesUs, 0)} (${range(perRequestUs.get(files))}) | 1.00 | |`,
  `| credentials in Redis | ${fmt(redisUs, 0)} (${range(perRequestUs.get(onRedis))}) | ${fmt(ratio)} | ≤ 1.1× ${check(ratio <= 1.1)} |`,
  "",
  `Cross-host propagation: ${WRITES} writes on host 1 (POST /api/order, alternating the OpenAI order, 10–30 ms apart, after 5 warm-up writes), each until host 2's GET /api/order answers with it. Host 2 is probed one request at a time from before the write is sent. "Commit" is when this script's subscriber hears the commit's change message; host 2's subscriber hears the same message at the same moment. A host-2 probe round trip took ${fmt(median(probeMs))} ms at the median (the resolution of the figures below).`,
  "",
  "| From | p50 (ms) | p99 (ms) | max (ms) |",
  "|---|---:|---:|---:|",
  `| the commit (change message heard) to host 2's first answer with it | ${fmt(median(fromCommit))} | ${fmt(quantile(fromCommit, 0.99))} | ${fmt(Math.max(...fromCommit))} |`,
  `| the write sent to host 1 to host 2's first answer with it | ${fmt(median(fromWrite))} | ${fmt(quantile(fromWrite, 0.99))} | ${fmt(Math.max(...fromWrite))} |`,
].join("\n");
console.log(table);
writeResults("redis-bench", table);
