#!/usr/bin/env node
// `npm run bench`, CLI part: cold-process timings of the CLI against `node -e 0`
// in the same run (interleaved rounds in random order, medians), peak RSS via
// GNU time, and the run's commit, machine and environment. Writes the table
// into bench/RESULTS.md between markers. Budgets: DESIGN §5 and issue 6.
//
// NODE_EXTRA_CA_CERTS is removed for every process, baseline included: on this
// machine it makes Node parse a CA bundle at start-up (~38 ms), which would hide
// the cost of our own code inside a bigger baseline.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBench2026State, writeBenchState } from "./fixture.mjs";
import { check, median, quantile, ROOT, startRun, writeResults } from "./report.mjs";

const finishRun = startRun();
const dist = join(ROOT, "dist");
const cli = join(dist, "openclaw.cjs");
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const home = mkdtempSync(join(tmpdir(), "openclaw-bench-"));
writeBenchState(home, { profiles: 50 });
// The same 50 profiles in OpenClaw 2026.9's SQLite state: what opening the database costs.
const home2026 = mkdtempSync(join(tmpdir(), "openclaw-bench-2026-"));
await writeBench2026State(home2026, { profiles: 50 });

const env = { ...process.env, HOME: home, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;
delete env.OPENCLAW_STATE_DIR;
delete env.OPENCLAW_CONFIG_PATH;
delete env.OPENCLAW_AGENT_DIR;

// The same build with its code cache made unusable the way another Node
// version would find it (V8 refuses data from another V8), to show what the
// cache is worth and what a user whose Node differs from the build's pays.
// Inside the repo so that node_modules still resolves.
const refusedDist = join(ROOT, ".tmp", "bench-dist-cache-refused");
rmSync(refusedDist, { recursive: true, force: true });
cpSync(dist, refusedDist, { recursive: true });
const cachePath = join(refusedDist, "modules", "models-status.v8cache");
const statusBundleBytes = statSync(join(dist, "modules", "models-status.cjs")).size;
let v8CacheBytes = 0;
if (existsSync(cachePath)) {
  // The layout of src/cli/code-cache.ts: a magic line, the bundle's length
  // (4 bytes) and bytes, then V8's data, whose second word is V8's version hash.
  const cache = readFileSync(cachePath);
  const lengthAt = cache.indexOf(10) + 1;
  const v8Start = lengthAt + 4 + cache.readUInt32LE(lengthAt);
  v8CacheBytes = cache.length - v8Start;
  cache[v8Start + 4] ^= 0xff;
  writeFileSync(cachePath, cache);
}

const STATUS = { ratio: 1.5, rssMb: 45 };
const cases = [
  { name: "node -e 0 (baseline)", args: ["-e", "0"] },
  { name: "openclaw --help", args: [cli, "--help"], budget: { ratio: 1.3 } },
  { name: "openclaw --version", args: [cli, "--version"], budget: { ratio: 1.3 } },
  { name: "openclaw models status --check (50 profiles)", args: [cli, "models", "status", "--check"], budget: STATUS },
  { name: "openclaw models status --json (50 profiles)", args: [cli, "models", "status", "--json"], budget: STATUS },
  { name: "openclaw models status --check (50 profiles, OpenClaw 2026.9 SQLite state)", args: [cli, "models", "status", "--check"], home: home2026 },
  {
    name: "… --check with the code cache refused (as under another Node)",
    args: [join(refusedDist, "openclaw.cjs"), "models", "status", "--check"],
  },
];

const envFor = (c) => (c.home ? { ...env, HOME: c.home } : env);

function runOnce(c) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, c.args, { env: envFor(c), cwd: c.home ?? home, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, stderr: result.stderr.toString() };
}

// Sanity: every command runs and says nothing on stderr.
for (const c of cases) {
  const r = runOnce(c);
  if (r.stderr.trim()) throw new Error(`${c.name} wrote to stderr: ${r.stderr}`);
}

const samples = new Map(cases.map((c) => [c.name, []]));
for (let round = 0; round <= rounds; round++) {
  const order = [...cases].sort(() => Math.random() - 0.5);
  for (const c of order) {
    const { ms } = runOnce(c);
    if (round > 0) samples.get(c.name).push(ms); // round 0 warms the page cache
  }
}

function peakRssMb(c) {
  if (!existsSync("/usr/bin/time")) return undefined;
  const values = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...c.args], { env: envFor(c), cwd: c.home ?? home, stdio: ["ignore", "ignore", "pipe"] });
    const kb = Number(r.stderr.toString().trim().split("\n").pop());
    if (Number.isFinite(kb)) values.push(kb / 1024);
  }
  return values.length > 0 ? median(values) : undefined;
}

const fmt = (n, digits = 1) => (n === undefined ? "n/a" : n.toFixed(digits));
const baseline = median(samples.get(cases[0].name));
const rows = cases.map((c) => {
  const values = samples.get(c.name);
  const ms = median(values);
  const ratio = ms / baseline;
  const rss = peakRssMb(c);
  const checks = [];
  if (c.budget?.ratio) checks.push(`≤ ${c.budget.ratio}× (${fmt(c.budget.ratio * baseline)} ms in this run) ${check(ratio <= c.budget.ratio)}`);
  if (c.budget?.rssMb) checks.push(rss === undefined ? `RSS ≤ ${c.budget.rssMb} MB: not measured` : `RSS ≤ ${c.budget.rssMb} MB ${check(rss <= c.budget.rssMb)}`);
  const budget = checks.join("; ") || (c === cases[0] ? "baseline" : "(information)");
  return `| ${c.name} | ${fmt(ms)} | ${fmt(quantile(values, 0.9))} | ${fmt(ratio, 2)} | ${fmt(rss)} | ${budget} |`;
});

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const table = [
  `${finishRun()} ${rounds} rounds; in each, every command runs once as a new process, in random order (a first round, which warms the page cache, is not counted). Peak RSS: median of 7 runs (GNU time).`,
  "",
  "| Command | median ms | p90 ms | × node -e 0 (median) | peak RSS MB | budget |",
  "|---|---:|---:|---:|---:|---|",
  ...rows,
  "",
  `The status bundle is ${kb(statusBundleBytes)}; its code cache ${v8CacheBytes > 0 ? `holds ${kb(v8CacheBytes)} of V8 data (plus the copy of the bundle it is checked against)` : "is missing (the build did not make one)"}.`,
].join("\n");
console.log(table);
writeResults("cli-bench", table);
rmSync(home, { recursive: true, force: true });
rmSync(home2026, { recursive: true, force: true });
rmSync(refusedDist, { recursive: true, force: true });
