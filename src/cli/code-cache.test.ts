// The code cache is checked in fresh processes: within one process V8 reuses
// what it compiled before and never looks at the cache at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { codeCachePath } from "./code-cache.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODULE = join(ROOT, "src", "cli", "code-cache.ts");

interface Loaded {
  /** undefined: no usable cache; true: V8 refused the data; false: V8 used it. */
  rejected: boolean | undefined;
  answer: number;
  where: unknown[];
  v8Length?: number;
}

/** Runs an ES module body that imports code-cache.ts (as `cc`) in a new Node process; returns what it printed. */
function inFreshNode(body: string): string {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // V8 uses a cache only under the flags it was made with
  const code = `import * as cc from ${JSON.stringify(MODULE)};\n${body}`;
  return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, env, encoding: "utf8" }).trim();
}

/** "write" makes the bundle's cache, "load" loads the bundle through it. */
function withCache(action: "write" | "load", bundle: string): Loaded {
  return JSON.parse(
    inFreshNode(`
      const bundle = ${JSON.stringify(bundle)};
      let v8Length;
      if (${JSON.stringify(action)} === "write") v8Length = await cc.writeCodeCache(bundle, async (exports) => void exports.answer());
      const rejected = cc.compileWithCodeCache(bundle)?.cachedDataRejected;
      const loaded = cc.requireWithCodeCache(bundle);
      console.log(JSON.stringify({ rejected, answer: loaded.answer(), where: loaded.where(), v8Length }));`),
  ) as Loaded;
}

const SOURCE = `"use strict";
exports.answer = () => 42;
exports.where = () => [__filename, __dirname, module.exports === exports, typeof require("node:path").join];
`;

function withBundle(fn: (bundle: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-code-cache-"));
  const bundle = join(dir, "command.cjs");
  writeFileSync(bundle, SOURCE);
  try {
    fn(bundle);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("V8 uses the cache, and the bundle sees what require() would give it", () => {
  withBundle((bundle) => {
    assert.equal(withCache("load", bundle).rejected, undefined);
    withCache("write", bundle);
    const loaded = withCache("load", bundle);
    assert.equal(loaded.rejected, false);
    assert.equal(loaded.answer, 42);
    assert.deepEqual(loaded.where, [bundle, dirname(bundle), true, "function"]);
  });
});

test("a cache made from other bytes of the same length is not used (V8 itself compares only lengths)", () => {
  withBundle((bundle) => {
    withCache("write", bundle);
    writeFileSync(bundle, SOURCE.replace("42", "43"));
    const loaded = withCache("load", bundle);
    assert.equal(loaded.rejected, undefined);
    assert.equal(loaded.answer, 43);
  });
});

test("a damaged cache, or one from another V8, falls back to compiling the bundle", () => {
  withBundle((bundle) => {
    const { v8Length } = withCache("write", bundle);
    const cache = readFileSync(codeCachePath(bundle));
    for (const damaged of [cache.subarray(0, 10), Buffer.concat([Buffer.from("x"), cache.subarray(1)]), Buffer.alloc(0)]) {
      writeFileSync(codeCachePath(bundle), damaged);
      const loaded = withCache("load", bundle);
      assert.deepEqual([loaded.rejected, loaded.answer], [undefined, 42]);
    }
    // V8's data begins with its magic number and then its version hash.
    const otherVersion = Buffer.from(cache);
    otherVersion[cache.length - v8Length! + 4]! ^= 0xff;
    writeFileSync(codeCachePath(bundle), otherVersion);
    const loaded = withCache("load", bundle);
    assert.deepEqual([loaded.rejected, loaded.answer], [true, 42]);
  });
});

test("the build's cache of the models status bundle is accepted by this Node", (t) => {
  const bundle = join(ROOT, "dist", "modules", "models-status.cjs");
  if (!existsSync(codeCachePath(bundle))) {
    t.skip("no build (npm test builds first)");
    return;
  }
  assert.equal(inFreshNode(`console.log(cc.compileWithCodeCache(${JSON.stringify(bundle)})?.cachedDataRejected);`), "false");
});
