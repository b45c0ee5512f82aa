// DESIGN §3's layer rule, checked on the code: an import may only point down
// (or stay in its layer), and nothing imports cli/. `providers/descriptors/` is
// pure data at the very bottom (docs/architecture.md): it imports only itself,
// so every layer, auth/ included, may read it. Tests are not checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

// Top to bottom; a file may import from its own rank or any rank below.
const LAYERS = ["cli", "gateway", "ops", "oauth", "providers", "auth", "state", "descriptors"] as const;
type Layer = (typeof LAYERS)[number];

function layerOf(file: string): Layer | "leaf" {
  const path = relative(SRC, file).replaceAll("\\", "/");
  if (path.startsWith("providers/descriptors/")) return "descriptors";
  const top = path.split("/")[0]!;
  if (top === "generated") return "state"; // JSON Schemas generated from state/ and auth/ zod schemas, typed by state/
  if ((LAYERS as readonly string[]).includes(top)) return top as Layer;
  return "leaf"; // version.ts: a constant that imports nothing of ours
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

test("every import in src/ points down the layers of DESIGN §3", () => {
  const violations: string[] = [];
  let checked = 0;
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    for (const target of relativeImports(file)) {
      checked++;
      const to = layerOf(target);
      const name = `${relative(SRC, file)} → ${relative(SRC, target)}`;
      if (to === "cli" && from !== "cli") violations.push(`${name}: nothing imports cli/`);
      else if (from === "descriptors" && to !== "descriptors") violations.push(`${name}: descriptors are pure data and import only each other`);
      else if (from === "leaf" && to !== "leaf") violations.push(`${name}: a leaf module imports nothing of ours`);
      else if (from !== "leaf" && to !== "leaf" && LAYERS.indexOf(to) < LAYERS.indexOf(from)) violations.push(`${name}: points up`);
    }
  }
  assert.ok(checked > 200, `only ${checked} imports found: is the import pattern still right?`);
  assert.deepEqual(violations, []);
});
