#!/usr/bin/env node
// `npm run bench`: cold-process timings of the CLI against `node -e 0` in the
// same run (interleaved rounds, medians), peak RSS via GNU time, and the
// machine they ran on. Writes the table into bench/RESULTS.md between markers.
//
// NODE_EXTRA_CA_CERTS is removed for every process, baseline included: on this
// machine it makes Node parse a CA bundle at start-up (~38 ms), which would hide
// the cost of our own code inside a bigger baseline.
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchState } from "./fixture.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "openclaw.cjs");
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const home = mkdtempSync(join(tmpdir(), "openclaw-bench-"));
writeBenchState(home, { profiles: 50 });

const env = { ...process.env, HOME: home, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;
delete env.OPENCLAW_STATE_DIR;
delete env.OPENCLAW_CONFIG_PATH;
delete env.OPENCLAW_AGENT_DIR;

const cases = [
  { name: "node -e 0 (baseline)", args: ["-e", "0"], budget: undefined },
  { name: "openclaw --help", args: [cli, "--help"], budget: 1.3 },
  { name: "openclaw --version", args: [cli, "--version"], budget: 1.3 },
  { name: "openclaw models status --check (50 profiles)", args: [cli, "models", "status", "--check"], budget: 1.7, absoluteMs: 100, rssMb: 70 },
  { name: "openclaw models status --json (50 profiles)", args: [cli, "models", "status", "--json"], budget: 1.7, absoluteMs: 100, rssMb: 70 },
];

function runOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, cwd: home, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status, stderr: result.stderr.toString() };
}

// Sanity: every command runs and says nothing on stderr.
for (const c of cases) {
  const r = runOnce(c.args);
  if (r.stderr.trim()) throw new Error(`${c.name} wrote to stderr: ${r.stderr}`);
}

const samples = new Map(cases.map((c) => [c.name, []]));
for (let round = 0; round <= rounds; round++) {
  const order = [...cases].sort(() => Math.random() - 0.5);
  for (const c of order) {
    const { ms } = runOnce(c.args);
    if (round > 0) samples.get(c.name).push(ms); // round 0 warms the page cache
  }
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

function peakRssMb(args) {
  if (!existsSync("/usr/bin/time")) return undefined;
  const values = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...args], { env, cwd: home, stdio: ["ignore", "ignore", "pipe"] });
    const kb = Number(r.stderr.toString().trim().split("\n").pop());
    if (Number.isFinite(kb)) values.push(kb / 1024);
  }
  return quantile(values, 0.5);
}

const baseline = quantile(samples.get(cases[0].name), 0.5);
const rows = cases.map((c) => {
  const values = samples.get(c.name);
  const median = quantile(values, 0.5);
  const p90 = quantile(values, 0.9);
  const ratio = median / baseline;
  const rss = peakRssMb(c.args);
  const checks = [];
  if (c.budget) checks.push(ratio <= c.budget ? `ratio ≤ ${c.budget}× ✓` : `ratio ≤ ${c.budget}× ✗`);
  if (c.absoluteMs) checks.push(median <= c.absoluteMs ? `≤ ${c.absoluteMs} ms ✓` : `≤ ${c.absoluteMs} ms ✗`);
  if (c.rssMb && rss !== undefined) checks.push(rss <= c.rssMb ? `RSS ≤ ${c.rssMb} MB ✓` : `RSS ≤ ${c.rssMb} MB ✗`);
  return { name: c.name, median, p90, ratio, rss, checks: checks.join(", ") || "baseline" };
});

const fmt = (n, d = 1) => (n === undefined ? "n/a" : n.toFixed(d));
const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, ${process.platform}/${process.arch}`;
let commit = "unknown";
try {
  commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
} catch {}
const table = [
  `Measured ${new Date().toISOString()} on ${machine}; commit ${commit}; ${rounds} interleaved rounds per command.`,
  "",
  "| Command | median ms | p90 ms | × node -e 0 | peak RSS MB | budget |",
  "|---|---:|---:|---:|---:|---|",
  ...rows.map((r) => `| ${r.name} | ${fmt(r.median)} | ${fmt(r.p90)} | ${fmt(r.ratio, 2)} | ${fmt(r.rss)} | ${r.checks} |`),
].join("\n");
console.log(table);

const resultsPath = join(root, "bench", "RESULTS.md");
const BEGIN = "<!-- cli-bench:begin -->";
const END = "<!-- cli-bench:end -->";
const current = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : `# Benchmark results\n\n${BEGIN}\n${END}\n`;
if (current.includes(BEGIN) && current.includes(END)) {
  const updated = current.slice(0, current.indexOf(BEGIN) + BEGIN.length) + "\n" + table + "\n" + current.slice(current.indexOf(END));
  writeFileSync(resultsPath, updated);
  console.log(`\nWrote ${resultsPath}`);
}
rmSync(home, { recursive: true, force: true });
