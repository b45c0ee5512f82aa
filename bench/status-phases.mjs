#!/usr/bin/env node
// Where `openclaw models status --check` spends its time, step by step (the
// table in RESULTS.md "Where models status --check spends its time"):
//   node bench/status-phases.mjs [<dist dir> …]   (default: this checkout's dist/)
// Several dist dirs (e.g. a build of main and one of a branch) run interleaved
// on the bench state; each step is the median over the rounds of the time
// since the step before it, in ms.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeBenchState } from "./fixture.mjs";
import { median, ROOT } from "./report.mjs";

const dists = process.argv.length > 2 ? process.argv.slice(2).map((dir) => resolve(dir)) : [join(ROOT, "dist")];
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const home = mkdtempSync(join(tmpdir(), "openclaw-phases-"));
writeBenchState(home, { profiles: 50 });
const env = { ...process.env, HOME: home, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;

const STEPS = [
  ["start", "Node starts, up to running preloads (as in node -e 0)"],
  ["bundle", "the entry runs and reads the status bundle"],
  ["config", "bundle compiled or deserialized, top level, process I/O, state paths: up to reading the config"],
  ["store", "config, .env files, env chain, agent: up to reading the auth store"],
  ["write", "store parsed and checked, report built, formatted, redacted: up to writing the output"],
  ["exit", "up to exit"],
];
const samples = new Map(dists.map((dist) => [dist, []]));
for (let round = 0; round <= rounds; round++) {
  for (const dist of [...dists].sort(() => Math.random() - 0.5)) {
    const args = ["-r", join(ROOT, "bench", "status-phases-preload.cjs"), join(dist, "openclaw.cjs"), "models", "status", "--check"];
    const result = spawnSync(process.execPath, args, { env, cwd: home, stdio: ["ignore", "pipe", "pipe"] });
    if (round > 0) samples.get(dist).push(JSON.parse(result.stderr.toString().trim().split("\n").pop()));
  }
}
rmSync(home, { recursive: true, force: true });

const rows = STEPS.map(([key, label]) => {
  const cells = dists.map((dist) => {
    const deltas = samples.get(dist).map((marks) => {
      if (marks[key] === undefined) return undefined; // e.g. a build that printed through process.stdout
      const previous = STEPS.slice(0, STEPS.findIndex(([k]) => k === key)).reverse().find(([k]) => marks[k] !== undefined);
      return marks[key] - (previous ? marks[previous[0]] : 0);
    });
    return deltas.includes(undefined) ? "–" : median(deltas).toFixed(1);
  });
  return `| ${label} | ${cells.join(" | ")} |`;
});
const totals = dists.map((dist) => median(samples.get(dist).map((marks) => marks.exit - marks.start)).toFixed(1));
console.log(`Median of ${rounds} runs per build, ms since the step before.\n`);
console.log(`| Step | ${dists.join(" | ")} |\n|---|${dists.map(() => "---:").join("|")}|`);
console.log([...rows, `| **after Node's own start** | ${totals.map((t) => `**${t}**`).join(" | ")} |`].join("\n"));
