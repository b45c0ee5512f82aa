// The few SQLite operations the 2026.9 backend needs, on better-sqlite3:
// opening a database as OpenClaw 2026.9 does (its busy timeout), reading and
// upserting one JSON row, a write transaction that waits without blocking the
// event loop, and its errors in our words.
import Database from "better-sqlite3";
import { OpenClawError } from "../state/errors.ts";
import type { RowSlot } from "./sqlite-layout.ts";

/** OpenClaw 2026.9's OPENCLAW_SQLITE_BUSY_TIMEOUT_MS: how long a write waits for another writer. */
export const BUSY_TIMEOUT_MS = 5_000;
export type Db = Database.Database;

/** better-sqlite3 (not node:sqlite, which needs Node 22.5): the real SQLite, with its locking and WAL. */
export function openDatabase(path: string, busyTimeoutMs = BUSY_TIMEOUT_MS): Db {
  const db = new Database(path, { fileMustExist: true, timeout: busyTimeoutMs });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

/**
 * How long a read waits synchronously for a writer's commit (rollback-journal
 * databases block readers while a commit lands): short, because the wait
 * stops the whole process; readWhileBusy waits the rest without blocking.
 */
export const READ_BUSY_MS = 50;

/** Runs a read again, without blocking the event loop, while another process's commit holds the database (up to the busy timeout). */
export async function readWhileBusy<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      return await read();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

export function hasTable(db: Db, schema: string, table: string): boolean {
  return db.prepare(`SELECT 1 FROM "${schema}".sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}

export function readRow(db: Db, schema: string, slot: RowSlot): string | undefined {
  const row = db.prepare(`SELECT "${slot.valueColumn}" AS value FROM "${schema}"."${slot.table}" WHERE "${slot.keyColumn}" = ?`).get(slot.key) as { value: string } | undefined;
  return row?.value;
}

export function writeRow(db: Db, schema: string, slot: RowSlot, value: string | undefined): void {
  if (value === undefined) {
    db.prepare(`DELETE FROM "${schema}"."${slot.table}" WHERE "${slot.keyColumn}" = ?`).run(slot.key);
    return;
  }
  db.prepare(
    `INSERT INTO "${schema}"."${slot.table}" ("${slot.keyColumn}", "${slot.valueColumn}", "${slot.timeColumn}") VALUES (?, ?, ?)
     ON CONFLICT("${slot.keyColumn}") DO UPDATE SET "${slot.valueColumn}" = excluded."${slot.valueColumn}", "${slot.timeColumn}" = excluded."${slot.timeColumn}"`,
  ).run(slot.key, value, Date.now());
}

export const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? "");

/**
 * `BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer without
 * blocking the event loop: better-sqlite3's own wait is synchronous, and a
 * gateway must keep serving while OpenClaw writes. Once the write lock is held,
 * the transaction's own statements are short.
 */
export async function beginImmediate(db: Db): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  db.pragma("busy_timeout = 0");
  try {
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      try {
        db.exec("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** Turns SQLite's errors into ours: a busy database and a file that is not what it should be say so. */
export function explainSqliteError(error: unknown, path: string): unknown {
  const code = (error as { code?: string }).code ?? "";
  if (isBusy(error)) {
    return new OpenClawError(`${path} is busy: another OpenClaw process has been writing it for over ${BUSY_TIMEOUT_MS / 1000} s.`, { hint: "Try again in a moment.", cause: error });
  }
  if (code.startsWith("SQLITE_")) return new OpenClawError(`Cannot use ${path}: ${(error as Error).message} (${code}).`, { cause: error });
  return error;
}

/** One writer per database at a time within this process: better-sqlite3 waits synchronously, which would stall the holder. */
const writeQueues = new Map<string, Promise<unknown>>();
export async function queued<T>(key: string, run: () => Promise<T>): Promise<T> {
  const before = writeQueues.get(key) ?? Promise.resolve();
  const mine = before.then(run, run);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  writeQueues.set(key, settled);
  try {
    return await mine;
  } finally {
    if (writeQueues.get(key) === settled) writeQueues.delete(key);
  }
}

/** Rows are compared as documents: 2026.9 may have written the same content with other spacing or key order. */
export function sameDocument(stored: string | undefined, next: string | undefined): boolean {
  if (stored === undefined || next === undefined) return stored === next;
  if (stored === next) return true;
  try {
    return canonical(JSON.parse(stored)) === canonical(JSON.parse(next));
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

