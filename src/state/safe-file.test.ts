// The atomic writer against a disk that misbehaves (injected through FileOps,
// not by patching node:fs): every failure leaves the original byte for byte,
// no temp file behind, and an error that says so.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskFullError, FileWriteError } from "./errors.ts";
import { nodeFileOps, removeOrphanedTempFiles, statSignature, verifyJson, writeFileAtomic, type FileOps } from "./safe-file.ts";

const SECRET = "sk-proj-safeFileTestSecret0123456789abcdefghijklmnop";
const ORIGINAL = JSON.stringify({ version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: "sk-old" } } }, null, 2) + "\n";
const NEXT = JSON.stringify({ version: 1, profiles: { "openai:a": { type: "api_key", provider: "openai", key: SECRET }, pad: "x".repeat(5000) } }, null, 2) + "\n";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real disk, with some calls replaced. */
function disk(overrides: Partial<FileOps>): FileOps {
  return { ...nodeFileOps, ...overrides };
}

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openclaw-safe-file-"));
  path = join(dir, "auth-profiles.json");
  writeFileSync(path, ORIGINAL, { mode: 0o600 });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The original is byte-identical and the directory holds nothing but it. */
function assertUntouched(): void {
  assert.equal(readFileSync(path, "utf8"), ORIGINAL, "the original must be byte-identical");
  assert.deepEqual(readdirSync(dir), ["auth-profiles.json"], "no temp file may be left");
}

function isDiskFull(code: string, message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DiskFullError, `a DiskFullError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.path, path);
    assert.equal(error.message, message);
    assert.match(error.hint ?? "", /run the command again/);
    assert.ok(!error.message.includes(SECRET));
    return true;
  };
}

function isWriteError(reason: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof FileWriteError, `a FileWriteError, got ${String(error)}`);
    assert.equal(error.path, path);
    assert.match(error.message, reason);
    assert.match(error.message, /it was not changed\.$/);
    assert.ok(!error.message.includes(SECRET), "the content never appears in the error");
    return true;
  };
}

describe("writeFileAtomic on a disk that fails", () => {
  test("a short write followed by ENOSPC (a disk filling up part-way) fails and keeps the original", async () => {
    let calls = 0;
    const ops = disk({
      write: async (fd, buffer, offset, length, position) => {
        calls++;
        if (calls === 1) return nodeFileOps.write(fd, buffer, offset, Math.min(length, 4096), position);
        throw errno("ENOSPC");
      },
    });
    await assert.rejects(writeFileAtomic(path, NEXT, { verify: verifyJson, ops }), isDiskFull("ENOSPC", `disk full: ${path} was not changed`));
    assert.equal(calls, 2, "the writer went on after the short write");
    assertUntouched();
  });

  test("a write that reports every byte but stored fewer is caught by the size check", async () => {
    const ops = disk({
      write: async (fd, buffer, offset, length, position) => {
        await nodeFileOps.write(fd, buffer, offset, Math.min(length, 4096), position);
        return length;
      },
    });
    await assert.rejects(writeFileAtomic(path, NEXT, { verify: verifyJson, ops }), isWriteError(new RegExp(`only 4096 of ${Buffer.byteLength(NEXT)} bytes reached the disk`)));
    assertUntouched();
  });

  test("a write that takes 0 bytes is an error, not an endless loop", async () => {
    const ops = disk({ write: async () => 0 });
    await assert.rejects(writeFileAtomic(path, NEXT, { verify: verifyJson, ops }), isWriteError(/the disk took 0 of \d+ bytes/));
    assertUntouched();
  });

  test("bytes that read back different from what was written are never renamed into place", async () => {
    const ops = disk({
      write: async (fd, buffer, offset, length, position) => nodeFileOps.write(fd, Buffer.alloc(length, 0x20), 0, length, position),
    });
    await assert.rejects(writeFileAtomic(path, NEXT, { verify: verifyJson, ops }), isWriteError(/differs from what was written/));
    assertUntouched();
  });

  const failingCalls: { call: "open" | "write" | "fsync" | "rename"; code: string; message: (path: string) => string; hint: RegExp }[] = [
    { call: "open", code: "ENOSPC", message: (p) => `disk full: ${p} was not changed`, hint: /Free some space/ },
    { call: "write", code: "EDQUOT", message: (p) => `disk full: ${p} was not changed`, hint: /quota/ },
    { call: "fsync", code: "EIO", message: (p) => `disk error (EIO): ${p} was not changed`, hint: /I\/O error/ },
    { call: "rename", code: "ENOSPC", message: (p) => `disk full: ${p} was not changed`, hint: /Free some space/ },
  ];
  for (const { call, code, message, hint } of failingCalls) {
    test(`${code} on ${call}`, async () => {
      const ops = disk({ [call]: async () => Promise.reject(errno(code)) });
      await assert.rejects(writeFileAtomic(path, NEXT, { verify: verifyJson, ops }), (error: unknown) => {
        isDiskFull(code, message(path))(error);
        assert.match((error as DiskFullError).hint!, hint);
        return true;
      });
      assertUntouched();
    });
  }

  test("content that does not parse is never renamed over the original, and the error does not quote it", async () => {
    const broken = `{"key": "${SECRET}",`;
    await assert.rejects(writeFileAtomic(path, broken, { verify: verifyJson }), isWriteError(/what was written does not parse/));
    assertUntouched();
  });

  test("a failure writing a file that did not exist leaves no file at all", async () => {
    const fresh = join(dir, "new.json");
    const ops = disk({ fsync: async () => Promise.reject(errno("ENOSPC")) });
    await assert.rejects(writeFileAtomic(fresh, NEXT, { verify: verifyJson, ops }), DiskFullError);
    assertUntouched();
  });
});

describe("writeFileAtomic when the disk works", () => {
  test("writes the content as 0600 and resolves to the signature of the file now in place", async () => {
    const signature = await writeFileAtomic(path, NEXT, { verify: verifyJson });
    assert.equal(readFileSync(path, "utf8"), NEXT);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(signature, statSignature(statSync(path)));
    assert.deepEqual(readdirSync(dir), ["auth-profiles.json"]);
  });

  test("the file is 0600 even under a umask that would take more bits off", async () => {
    const previous = process.umask(0o277);
    try {
      await writeFileAtomic(path, NEXT, { verify: verifyJson });
    } finally {
      process.umask(previous);
    }
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  test("statSignature is inode:size:mtimeMs", () => {
    assert.equal(statSignature({ ino: 12n, size: 34, mtimeMs: 5.5 }), "12:34:5.5");
  });
});

describe("removeOrphanedTempFiles", () => {
  test("removes temp copies left by a killed writer (ours and write-file-atomic's), nothing else", async () => {
    const names = {
      removed: ["auth-profiles.json.123456789", "auth-profiles.json.tmp-0123456789abcdef", "auth-profiles.json.bak.4.tmp-0123456789abcdef"],
      kept: ["auth-profiles.json", "auth-profiles.json.bak", "auth-profiles.json.bak.1", "auth-profiles.json.migrated", "auth-profiles.json.notes", "other.json.123"],
    };
    for (const name of [...names.removed, ...names.kept]) if (name !== "auth-profiles.json") writeFileSync(join(dir, name), "x");
    await removeOrphanedTempFiles(path);
    assert.deepEqual(readdirSync(dir).sort(), [...names.kept].sort());
  });
});
