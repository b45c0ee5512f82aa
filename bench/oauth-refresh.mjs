#!/usr/bin/env node
// `npm run bench`, OAuth part (DESIGN §5, issue 11): an expired OAuth login,
// 500 concurrent requests spread over 4 gateway processes sharing one state
// dir, a fake upstream (bench/fake-upstream.mjs) and a fake token endpoint on
// 127.0.0.1 that rotates refresh tokens and refuses a reused one. Counts the
// token-endpoint calls (must be exactly 1) and failed requests (must be 0),
// and compares the latency of those requests (which waited for the refresh)
// with 500 more made after it. Writes its table into bench/RESULTS.md.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, median, quantile, ROOT, startRun, writeResults } from "./report.mjs";

const cli = join(ROOT, "dist", "openclaw.cjs");
const TOKEN = "bench-gateway-token";
const GATEWAYS = 4;
const REQUESTS = Number(process.env.BENCH_OAUTH_REQUESTS ?? 500);
/** How long the fake token endpoint takes to answer (a real one: a few hundred ms). */
const TOKEN_DELAY_MS = Number(process.env.BENCH_OAUTH_TOKEN_DELAY_MS ?? 150);

const env = { ...process.env, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;
const finishRun = startRun();

function startProcess(args, extraEnv = {}) {
  const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (data) => (out += data));
  child.stderr.on("data", (data) => {
    const text = String(data).replace(/^SIGTERM: finishing in-flight requests, then stopping\.\n/m, "");
    if (text) process.stderr.write(text);
  });
  const firstLine = new Promise((resolve) => {
    const poll = () => (out.includes("\n") ? resolve(out.split("\n")[0]) : setTimeout(poll, 2));
    poll();
  });
  return { child, firstLine, output: () => out };
}

async function stop(child) {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

// --- the fake token endpoint: each refresh token works once
let generation = 0;
let valid = "rt-bench-0";
const calls = [];
const tokenServer = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const sent = new URLSearchParams(body).get("refresh_token");
    calls.push(sent);
    setTimeout(() => {
      if (sent !== valid) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant" }));
        return;
      }
      generation++;
      valid = `rt-bench-${generation}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: `at-bench-${generation}-${"a".repeat(32)}`, refresh_token: valid, expires_in: 3600 }));
    }, TOKEN_DELAY_MS);
  });
});
await new Promise((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
const tokenUrl = `http://127.0.0.1:${tokenServer.address().port}/token`;

// --- a home with an expired login of a custom OAuth provider in front of the fake upstream
const upstream = startProcess([join(ROOT, "bench", "fake-upstream.mjs")]);
const upstreamOrigin = `http://127.0.0.1:${Number(await upstream.firstLine)}`;
const home = mkdtempSync(join(tmpdir(), "openclaw-oauth-bench-"));
const agentDir = join(home, ".openclaw", "agents", "main", "agent");
mkdirSync(agentDir, { recursive: true, mode: 0o700 });
const config = {
  agents: { defaults: { model: { primary: "acme/gpt-5.2" } } },
  models: {
    providers: {
      acme: { api: "openai-completions", baseUrl: `${upstreamOrigin}/v1`, auth: "oauth", oauth: { authorizeUrl: `${tokenUrl.replace("/token", "/authorize")}`, tokenUrl, clientId: "bench-client" } },
    },
  },
  gateway: { auth: { token: TOKEN } },
};
writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
const storePath = join(agentDir, "auth-profiles.json");
const expired = { type: "oauth", provider: "acme", access: `at-bench-0-${"a".repeat(32)}`, refresh: "rt-bench-0", expires: Date.now() - 60_000 };
writeFileSync(storePath, JSON.stringify({ version: 1, profiles: { "acme:default": expired } }), { mode: 0o600 });

const gateways = [];
for (let i = 0; i < GATEWAYS; i++) gateways.push(startProcess([cli, "gateway", "--port", "0"], { HOME: home }));
const origins = await Promise.all(gateways.map(async (g) => (await g.firstLine).replace("Gateway listening on ", "").trim()));
for (const origin of origins) {
  for (;;) {
    try {
      if ((await fetch(`${origin}/health`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const body = JSON.stringify({ model: "acme/gpt-5.2", messages: [{ role: "user", content: "hi" }] });
async function one(origin) {
  const started = process.hrtime.bigint();
  try {
    const response = await fetch(`${origin}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body });
    await response.arrayBuffer();
    return { ok: response.status === 200, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch {
    return { ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }
}
const wave = () => Promise.all(Array.from({ length: REQUESTS }, (_, i) => one(origins[i % origins.length])));

const during = await wave();
const after = await wave();
const stored = JSON.parse(readFileSync(storePath, "utf8")).profiles["acme:default"];
const loadCalls = [...calls];
const loadLogs = gateways.map((g) => g.output()).join("\n");

// One request at a time, without load: the first on a login that just expired, then the next one.
const SEQUENTIAL_ROUNDS = 7;
const firstAlone = [];
const nextAlone = [];
for (let round = 0; round < SEQUENTIAL_ROUNDS; round++) {
  const store = JSON.parse(readFileSync(storePath, "utf8"));
  store.profiles["acme:default"] = { ...store.profiles["acme:default"], expires: Date.now() - 60_000 };
  writeFileSync(storePath, JSON.stringify(store), { mode: 0o600 });
  await new Promise((resolve) => setTimeout(resolve, 300)); // the gateways see the change
  firstAlone.push(await one(origins[round % origins.length]));
  nextAlone.push(await one(origins[round % origins.length]));
}
for (const g of gateways) await stop(g.child);
await stop(upstream.child);
tokenServer.close();
rmSync(home, { recursive: true, force: true });

const failed = [...during, ...after, ...firstAlone, ...nextAlone].filter((r) => !r.ok).length;
const reused = calls.length !== new Set(calls).size;
const ms = (results, q) => quantile(results.map((r) => r.ms), q).toFixed(1);
const p50During = median(during.map((r) => r.ms));
const p50After = median(after.map((r) => r.ms));
const refreshedLines = (loadLogs.match(/oauth refresh acme:default: refreshed/g) ?? []).length;
const adoptedLines = (loadLogs.match(/oauth refresh acme:default: adopted/g) ?? []).length;
/** How long each gateway's refresh took (its log line): the refreshing one, and the slowest that waited and adopted. */
const refreshMs = (outcome) => [...loadLogs.matchAll(new RegExp(`oauth refresh acme:default: ${outcome} \\((\\d+) ms\\)`, "g"))].map((m) => Number(m[1]));
const holderMs = Math.max(...refreshMs("refreshed"));
const slowestAdopterMs = Math.max(...refreshMs("adopted"));

const table = `${finishRun()}

${REQUESTS} concurrent non-streaming requests spread round-robin over ${GATEWAYS} gateway processes sharing one state dir, on an OAuth login that expired a minute before; then ${REQUESTS} more once it was refreshed. The fake token endpoint answers after ${TOKEN_DELAY_MS} ms.

| What | measured | budget |
|---|---:|---|
| calls to the token endpoint during the ${REQUESTS} concurrent requests | ${loadCalls.length} | exactly 1 ${check(loadCalls.length === 1)} |
| a refresh token sent twice | ${reused ? "yes" : "no"} | no ${check(!reused)} |
| failed requests (of ${2 * REQUESTS + 2 * SEQUENTIAL_ROUNDS}) | ${failed} | 0 ${check(failed === 0)} |
| the new tokens stored | ${stored.refresh === `rt-bench-1` && stored.expires > Date.now() ? "yes" : "no"} | yes ${check(stored.refresh === "rt-bench-1")} |
| gateways that refreshed / adopted the other's token (their log lines) | ${refreshedLines} / ${adoptedLines} | report only |
| the refresh in the gateway that made it / in the slowest one that waited and adopted it (ms) | ${holderMs} / ${slowestAdopterMs} | report only (the wait for another process's refresh) |
| latency p50 / p99 of the requests that waited for the refresh (ms) | ${ms(during, 0.5)} / ${ms(during, 0.99)} | report only |
| latency p50 / p99 of the requests after it (ms) | ${ms(after, 0.5)} / ${ms(after, 0.99)} | report only |
| added by the refresh under that load, p50 (ms) | ${(p50During - p50After).toFixed(1)} | report only (the token endpoint's ${TOKEN_DELAY_MS} ms, the wait of the other processes, and a reload of the state in each) |
| one request alone on a login that just expired / the next one, median of ${SEQUENTIAL_ROUNDS} (ms) | ${median(firstAlone.map((r) => r.ms)).toFixed(1)} / ${median(nextAlone.map((r) => r.ms)).toFixed(1)} | report only |
| added by the refresh to that first request alone (ms) | ${(median(firstAlone.map((r) => r.ms)) - median(nextAlone.map((r) => r.ms))).toFixed(1)} | report only (≈ the token endpoint's ${TOKEN_DELAY_MS} ms) |`;

console.log(table);
writeResults("oauth-refresh-bench", table);
if (loadCalls.length !== 1 || failed !== 0) process.exitCode = 1;
