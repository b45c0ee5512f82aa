// The config and its five backups on a disk that fails at each step of the
// replacement in turn: the config and every existing backup stay byte for byte.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupPath, replaceKeepingBackups } from "./config-backups.ts";
import { DiskFullError } from "./errors.ts";
import { nodeFileOps, verifyJson, type FileOps } from "./safe-file.ts";

const COUNT = 5;
const version = (n: number) => `{\n  // version ${n}, JSON5\n  agents: { defaults: { model: "openai/gpt-${n}" } },\n}\n`;
const NEXT = JSON.stringify({ agents: { defaults: { model: "openai/gpt-next" } } }, null, 2) + "\n";
const verifyJson5 = (text: string) => {
  if (!text.includes("agents")) throw new Error("not a config");
};

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openclaw-config-backups-"));
  path = join(dir, "openclaw.json");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The config at version 0 and, if `backups`, `.bak` at version 1 … `.bak.4` at version 5. */
function seed(backups: boolean): void {
  writeFileSync(path, version(0), { mode: 0o600 });
  if (backups) for (let i = 0; i < COUNT; i++) writeFileSync(backupPath(path, i), version(i + 1), { mode: 0o600 });
}

function tree(): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

function replace(ops: FileOps = nodeFileOps) {
  return replaceKeepingBackups(path, NEXT, readFileSync(path), { count: COUNT, verify: verifyJson, verifyBackup: verifyJson5, ops });
}

/** Real calls, counting renames; the `failAt`-th rename (1-based) fails with ENOSPC. */
function renameFailing(failAt: number): FileOps & { renames: () => number } {
  let renames = 0;
  return {
    ...nodeFileOps,
    rename: async (from, to) => {
      if (++renames === failAt) throw errno("ENOSPC");
      return nodeFileOps.rename(from, to);
    },
    renames: () => renames,
  };
}

function isConfigDiskFull(error: unknown): boolean {
  assert.ok(error instanceof DiskFullError, `a DiskFullError, got ${String(error)}`);
  assert.equal(error.message, `disk full: ${path} was not changed`);
  return true;
}

describe("replacing the config keeps five backups", () => {
  test("on success: the new config, the old one as .bak, the others shifted, the oldest dropped, no temp left", async () => {
    seed(true);
    await replace();
    assert.deepEqual(tree(), {
      "openclaw.json": NEXT,
      "openclaw.json.bak": version(0),
      "openclaw.json.bak.1": version(1),
      "openclaw.json.bak.2": version(2),
      "openclaw.json.bak.3": version(3),
      "openclaw.json.bak.4": version(4),
    });
  });

  test("a failing rename at every step leaves the config and all five backups byte-identical", async () => {
    seed(true);
    const before = tree();
    const counting = renameFailing(0);
    await replace(counting);
    const steps = counting.renames();
    // aside the oldest, shift four, put the copy in place, put the config in place
    assert.equal(steps, 7);
    for (let failAt = 1; failAt <= steps; failAt++) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), "openclaw-config-backups-"));
      path = join(dir, "openclaw.json");
      seed(true);
      await assert.rejects(replace(renameFailing(failAt)), isConfigDiskFull, `rename ${failAt} failing`);
      assert.deepEqual(tree(), before, `after rename ${failAt} failed`);
    }
  });

  for (const [what, failingWrite] of [
    ["the new config", 1],
    ["the backup copy", 2],
  ] as const) {
    test(`no space for ${what}: nothing is renamed, nothing is left`, async () => {
      seed(true);
      const before = tree();
      let opened = 0;
      let renamed = 0;
      const ops: FileOps = {
        ...nodeFileOps,
        open: async (...args) => {
          opened++;
          return nodeFileOps.open(...args);
        },
        write: async (fd, buffer, offset, length, position) => {
          if (opened === failingWrite) throw errno("ENOSPC");
          return nodeFileOps.write(fd, buffer, offset, length, position);
        },
        rename: async (from, to) => {
          renamed++;
          return nodeFileOps.rename(from, to);
        },
      };
      await assert.rejects(replace(ops), isConfigDiskFull);
      assert.equal(renamed, 0, "no backup was moved");
      assert.deepEqual(tree(), before);
    });
  }

  test("the first write with no backups yet: a failure leaves no .bak behind", async () => {
    seed(false);
    const before = tree();
    // The copy is in place as .bak by the time the config's own rename fails.
    const ops: FileOps = { ...nodeFileOps, rename: async (from, to) => (to === path ? Promise.reject(errno("ENOSPC")) : nodeFileOps.rename(from, to)) };
    await assert.rejects(replace(ops), isConfigDiskFull);
    assert.deepEqual(tree(), before);
    await replace();
    assert.deepEqual(tree(), { "openclaw.json": NEXT, "openclaw.json.bak": version(0) });
  });
});
