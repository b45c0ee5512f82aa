#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx
// loads TypeScript). Node 20's --test does not expand globs, hence this file.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "fixtures" ? [] : testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

const only = process.argv.slice(2);
const files = [...testFiles(join(root, "src")), ...testFiles(join(root, "test"))].filter(
  (file) => only.length === 0 || only.some((pattern) => file.includes(pattern)),
);
// Tests never use the network, so the machine's extra CA bundle only slows
// down each of the many processes they spawn.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=4", ...files], { cwd: root, stdio: "inherit", env });
process.exit(result.status ?? 1);
