#!/usr/bin/env node
// `npm run bench`, gateway part (DESIGN §5), all in one run so that the
// machine's drift hits every path alike:
// - CPU per request (utime+stime of the serving process / requests, 16 in
//   flight) of `openclaw gateway` against a minimal Node proxy (minimal-proxy.mjs),
//   for 300 B and ~100 KB request bodies, same format and translated;
// - added latency at 1 and 16 in flight against calling the fake upstream
//   directly (report only: wall time is too noisy here to be a budget);
// - streaming time to first byte; start to ready; RSS idle and after load.
// Every row says how many requests it measured. Writes its tables into
// bench/RESULTS.md between markers.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { benchConfig, bodyOfSize, CONCURRENCY, cpuRound, load, PIN, pinSelfToCpu0, ROUTES, rssMb, startProcess, stop, waitReady } from "./gateway-harness.mjs";
import { check, median, quantile, ROOT, startRun, writeResults } from "./report.mjs";

const cli = join(ROOT, "dist", "openclaw.cjs");
const TOKEN = "bench-gateway-token";
/** Requests per latency round at 16 in flight (a sixth of it at 1 in flight). */
const REQUESTS = Number(process.env.BENCH_GATEWAY_REQUESTS ?? 3000);
/**
 * Requests per CPU round with 300 B bodies (a third of it with ~100 KB ones):
 * enough CPU time that the 10 ms granularity of utime+stime stays near 2%.
 */
const CPU_REQUESTS = Number(process.env.BENCH_GATEWAY_CPU_REQUESTS ?? 6000);
const ROUNDS = 3;
/** CPU rounds per path: five, because a single garbage collection of the proxy moves one round of ~100 KB requests by a third. */
const CPU_ROUNDS = 5;

pinSelfToCpu0();
const finishRun = startRun();

async function timeToFirstByte(target, path, headers, body, count) {
  const pool = new Pool(target.origin, { connections: 1 });
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
  target.served += count;
  return samples;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

// --- setup: a home whose openai provider is the fake upstream
const upstreamProcess = startProcess([join(ROOT, "bench", "fake-upstream.mjs")]);
const upstreamOrigin = `http://127.0.0.1:${Number(await upstreamProcess.firstLine)}`;
const home = mkdtempSync(join(tmpdir(), "openclaw-gw-bench-"));
const agentDir = join(home, ".openclaw", "agents", "main", "agent");
mkdirSync(agentDir, { recursive: true, mode: 0o700 });
const config = benchConfig(upstreamOrigin, TOKEN);
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
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
  await stop(gw.child);
}

// --- the processes under test
const gatewayProcess = startProcess([cli, "gateway", "--port", "0"], gatewayEnv, "1");
const gateway = { name: "gateway", origin: (await gatewayProcess.firstLine).replace("Gateway listening on ", "").trim(), pid: gatewayProcess.child.pid, served: 0 };
await waitReady(gateway.origin);
await new Promise((resolve) => setTimeout(resolve, 500));
const idleRss = rssMb(gateway.pid);
const proxyProcess = startProcess([join(ROOT, "bench", "minimal-proxy.mjs"), upstreamOrigin, TOKEN], {}, "1");
const proxy = { name: "minimal proxy", origin: (await proxyProcess.firstLine).trim(), pid: proxyProcess.child.pid, served: 0 };
const direct = { name: "upstream", origin: upstreamOrigin, served: 0 };

const json = { "content-type": "application/json" };
const viaToken = { ...json, authorization: `Bearer ${TOKEN}` };
const toUpstream = { ...json, authorization: "Bearer sk-bench" };
const small = bodyOfSize("openai", 300);
const smallDirect = small.replace('"openai/gpt-5.2"', '"gpt-5.2"');

// --- warm-up: every path and body once
for (const target of [direct, proxy, gateway]) await load(target, ROUTES.openai, target === direct ? toUpstream : viaToken, target === direct ? smallDirect : small, 1000);
for (const format of ["openai", "anthropic"]) {
  for (const bytes of [300, 100_000]) for (const target of [proxy, gateway]) await load(target, ROUTES[format], viaToken, bodyOfSize(format, bytes), 200);
}

// --- CPU per request: rounds alternate between the proxy and the gateway
const cpuScenarios = [
  { label: "same format (OpenAI in, OpenAI upstream)", format: "openai", bytes: 300, budget: 1.5 },
  { label: "same format (OpenAI in, OpenAI upstream)", format: "openai", bytes: 100_000, budget: 1.5 },
  { label: "translated (Anthropic in, OpenAI upstream)", format: "anthropic", bytes: 300, budget: 2 },
  { label: "translated (Anthropic in, OpenAI upstream)", format: "anthropic", bytes: 100_000, budget: 2 },
];
const cpuRows = [];
for (const scenario of cpuScenarios) {
  const body = bodyOfSize(scenario.format, scenario.bytes);
  const count = scenario.bytes > 1000 ? Math.round(CPU_REQUESTS / 3) : CPU_REQUESTS;
  const perRequestUs = new Map([
    [proxy, []],
    [gateway, []],
  ]);
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const target of round % 2 === 0 ? [proxy, gateway] : [gateway, proxy]) {
      perRequestUs.get(target).push(await cpuRound(target, ROUTES[scenario.format], viaToken, body, count));
    }
  }
  const ours = median(perRequestUs.get(gateway));
  const reference = median(perRequestUs.get(proxy));
  cpuRows.push({ ...scenario, bodyBytes: Buffer.byteLength(body), count, ours, reference, ratio: ours / reference });
}

// --- latency, non-streaming 300 B requests: direct, through the proxy, through the gateway
const latency = { 16: new Map(), 1: new Map() };
for (const inFlight of [16, 1]) {
  for (const target of [direct, proxy, gateway]) latency[inFlight].set(target, []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of [direct, proxy, gateway]) {
      const count = inFlight === 16 ? REQUESTS : Math.round(REQUESTS / 6);
      latency[inFlight].get(target).push(...(await load(target, ROUTES.openai, target === direct ? toUpstream : viaToken, target === direct ? smallDirect : small, count, inFlight)));
    }
  }
}

// --- streaming time to first byte, sequential requests
const STREAMED = 100;
const ttfb = new Map();
const streamBody = bodyOfSize("openai", 300, { stream: true });
for (const target of [direct, proxy, gateway]) ttfb.set(target, []);
for (let round = 0; round < ROUNDS; round++) {
  for (const target of [direct, proxy, gateway]) {
    const body = target === direct ? streamBody.replace('"openai/gpt-5.2"', '"gpt-5.2"') : streamBody;
    ttfb.get(target).push(...(await timeToFirstByte(target, ROUTES.openai, target === direct ? toUpstream : viaToken, body, STREAMED)));
  }
}

// --- memory: after everything above, then after 10 000 more requests
await settle();
const servedBeforeRss = gateway.served;
const loadedRss = rssMb(gateway.pid);
await load(gateway, ROUTES.openai, viaToken, small, 10_000);
await settle();
const laterRss = rssMb(gateway.pid);

await stop(gatewayProcess.child);
await stop(proxyProcess.child);
await stop(upstreamProcess.child);
rmSync(home, { recursive: true, force: true });

// --- the tables
const fmt = (n, digits = 2) => n.toFixed(digits);
const count = (n) => n.toLocaleString("en-US");
const size = (bytes) => (bytes >= 10_000 ? `${Math.round(bytes / 1000)} KB` : `${bytes} B`);
const p = (target, inFlight, q) => quantile(latency[inFlight].get(target), q);
const latencyRow = (label, inFlight, q) => {
  const n = latency[inFlight].get(gateway).length;
  return `| ${label}, ${inFlight} in flight (${count(n)} requests per path) | ${fmt(p(direct, inFlight, q))} | ${fmt(p(proxy, inFlight, q))} (+${fmt(p(proxy, inFlight, q) - p(direct, inFlight, q))}) | ${fmt(p(gateway, inFlight, q))} (+${fmt(p(gateway, inFlight, q) - p(direct, inFlight, q))}) | report only |`;
};
const ttfbAdded = median(ttfb.get(gateway)) - median(ttfb.get(direct));
const startMedian = median(startTimes);
const table = [
  `${finishRun()} ${PIN ? "The process under test (gateway or minimal proxy) is pinned to CPU 1; the load generator and the fake upstream share CPU 0." : "Load generator, process under test and fake upstream share the machine's cores."} Warm-up requests (1,000 per path, then 200 per path and CPU case) are left out of every timing, not out of the request counts of the RSS rows.`,
  "",
  `CPU per request: utime+stime of the serving process over ${CPU_ROUNDS} rounds per path, alternating, ${CONCURRENCY} in flight, non-streaming; median of the rounds. The minimal proxy is bench/minimal-proxy.mjs (node:http, hashed constant-time token check, undici forwarding the bytes).`,
  "",
  "| Requests | body | requests per round | minimal proxy µs/request | gateway µs/request | × proxy | budget |",
  "|---|---:|---:|---:|---:|---:|---|",
  ...cpuRows.map((r) => `| ${r.label} | ${size(r.bodyBytes)} | ${count(r.count)} | ${fmt(r.reference, 0)} | ${fmt(r.ours, 0)} | ${fmt(r.ratio)} | ≤ ${r.budget}× ${check(r.ratio <= r.budget)} |`),
  "",
  `Latency and memory (non-streaming 300 B OpenAI requests; ms; in brackets: added to calling the upstream directly):`,
  "",
  "| What | direct | via minimal proxy | via gateway | budget |",
  "|---|---:|---:|---:|---|",
  latencyRow("latency p50", 16, 0.5),
  latencyRow("latency p99", 16, 0.99),
  latencyRow("latency p50", 1, 0.5),
  latencyRow("latency p99", 1, 0.99),
  `| streaming time to first byte p50 (${count(ttfb.get(gateway).length)} sequential requests per path) | ${fmt(median(ttfb.get(direct)))} | ${fmt(median(ttfb.get(proxy)))} (+${fmt(median(ttfb.get(proxy)) - median(ttfb.get(direct)))}) | ${fmt(median(ttfb.get(gateway)))} (+${fmt(ttfbAdded)}) | added ≤ 1 ms ${check(ttfbAdded <= 1)} |`,
  `| gateway start to ready (ms, median of ${startTimes.length} starts) | | | ${fmt(startMedian, 0)} | ≤ 400 ms ${check(startMedian <= 400)} |`,
  `| gateway RSS, just started and idle (MB) | | | ${fmt(idleRss, 1)} | ≤ 80 MB ${check(idleRss <= 80)} |`,
  `| gateway RSS after the ${count(servedBeforeRss)} requests above, 1 s idle (MB) | | | ${fmt(loadedRss, 1)} | report only |`,
  `| gateway RSS after ${count(gateway.served - servedBeforeRss)} more, 1 s idle (MB) | | | ${fmt(laterRss, 1)} (${laterRss >= loadedRss ? "+" : ""}${fmt(laterRss - loadedRss, 1)}) | report only (a leak keeps growing) |`,
].join("\n");
console.log(table);
writeResults("gateway-bench", table);
