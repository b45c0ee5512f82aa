// Debian's chromium for the Control UI's browser test, driven by playwright-core (which
// downloads no browser of its own). Found at /usr/bin/chromium or on PATH; in CI, as root, it is
// installed with apt-get when missing (.ci/run installs it too). Otherwise the test skips and
// says why, loudly.
import { execFileSync } from "node:child_process";
import { delimiter } from "node:path";
import { findExecutable } from "../../src/cli/find-executable.ts";

const NAMES = ["chromium", "chromium-browser"];

function findOnPath(): string | undefined {
  const env = { PATH: ["/usr/bin", process.env.PATH ?? ""].join(delimiter) };
  for (const name of NAMES) {
    const found = findExecutable(name, env);
    if (found) return found;
  }
  return undefined;
}

/** The chromium to launch, or why there is none. */
export function findChromium(): { path: string } | { skip: string } {
  const found = findOnPath();
  if (found) return { path: found };
  const root = process.getuid?.() === 0;
  if (root && process.env.CI === "true") {
    try {
      execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000 });
      execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "ignore", timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } catch (error) {
      return { skip: `chromium is not installed and apt-get install -y chromium failed: ${(error as Error).message}` };
    }
    const installed = findOnPath();
    if (installed) return { path: installed };
    return { skip: "apt-get install -y chromium succeeded but no chromium is on PATH" };
  }
  return { skip: `chromium is not installed (looked for ${NAMES.join(", ")} in /usr/bin and PATH). Install Debian's package: apt-get install -y chromium (CI=true as root does it by itself).` };
}
