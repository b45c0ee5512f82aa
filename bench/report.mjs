// What both benchmarks print about the run (so that a number in RESULTS.md can
// be traced to a commit, a machine and an environment) and how they write
// their tables into bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench", "RESULTS.md");

/** Whether the invoking environment set NODE_EXTRA_CA_CERTS, read before a benchmark removes it. */
export const EXTRA_CA_CERTS_SET = Boolean(process.env.NODE_EXTRA_CA_CERTS);

export const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

export const median = (values) => quantile(values, 0.5);

function commit() {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", "src", "scripts", "bench/*.mjs", "package-lock.json"], { cwd: ROOT, encoding: "utf8" }).trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return "unknown";
  }
}

const loads = () => loadavg().map((n) => n.toFixed(2)).join(" ");

/** Call at the start of a run; returns the header line to call at its end (load averages bracket the run). */
export function startRun() {
  const started = new Date();
  const loadAtStart = loads();
  return () =>
    `Measured ${started.toISOString()} at commit ${commit()} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}; load average ${loadAtStart} at the start and ${loads()} at the end ` +
    `(the machine is shared: read ratios within one run). NODE_EXTRA_CA_CERTS was ${EXTRA_CA_CERTS_SET ? "set" : "not set"} ` +
    `in the invoking environment; it is removed for every measured process, baseline included.`;
}

/** Replaces what is between `<!-- name:begin -->` and `<!-- name:end -->` in RESULTS.md. */
export function writeResults(name, text) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "";
  if (!current.includes(begin) || !current.includes(end)) {
    console.log(`\n${RESULTS} has no ${begin} … ${end} markers; not written.`);
    return;
  }
  writeFileSync(RESULTS, current.slice(0, current.indexOf(begin) + begin.length) + "\n" + text + "\n" + current.slice(current.indexOf(end)));
  console.log(`\nWrote ${RESULTS}`);
}

export const check = (ok) => (ok ? "✓" : "✗");
