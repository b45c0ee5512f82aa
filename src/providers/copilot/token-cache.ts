// The Copilot token cache: `<stateDir>/credentials/github-copilot.token.json`,
// OpenClaw's file and shape `{token, expiresAt, updatedAt}` (spec §4.4), plus
// `githubTokenSha256` so a token is only reused for the GitHub login it came
// from. OpenClaw's own file lacks that field: it counts as another login's,
// is not reused, and is replaced (OpenClaw still reads our superset).
//
// This file is a cache, not user data: a corrupt or unreadable one is ignored
// and rewritten, unlike the store and config, which are never overwritten
// when they do not parse (DESIGN §4.4).
import { createHash } from "node:crypto";
import { join } from "node:path";
import { withFileLock } from "../../state/file-lock.ts";
import { readTextIfExists, verifyJson, writeFileAtomic } from "../../state/safe-file.ts";
import type { CopilotToken } from "./token-exchange.ts";

export interface CachedCopilotToken extends CopilotToken {
  updatedAt: number;
  githubTokenSha256: string;
}

export function copilotTokenCachePath(stateDir: string): string {
  return join(stateDir, "credentials", "github-copilot.token.json");
}

/** Hex SHA-256 of the GitHub token: names the login without storing it. */
export function githubTokenFingerprint(githubToken: string): string {
  return createHash("sha256").update(githubToken, "utf8").digest("hex");
}

/** The cached token for this GitHub login, or undefined (no file, another login's, OpenClaw's own, corrupt, unreadable). */
export async function readCachedCopilotToken(stateDir: string, fingerprint: string): Promise<CopilotToken | undefined> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(copilotTokenCachePath(stateDir));
  } catch {
    return undefined; // unreadable: refetch; the write that follows says what is wrong, if anything
  }
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const { token, expiresAt, githubTokenSha256 } = parsed as Record<string, unknown>;
  if (githubTokenSha256 !== fingerprint) return undefined;
  if (typeof token !== "string" || token === "" || typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) return undefined;
  return { token, expiresAt };
}

/** Atomic, 0600 in a 0700 dir, under the file's lock (writeFileAtomic clears temp files a killed writer left, so writers must not overlap). */
export async function writeCachedCopilotToken(stateDir: string, entry: CachedCopilotToken): Promise<void> {
  const path = copilotTokenCachePath(stateDir);
  const text = `${JSON.stringify({ token: entry.token, expiresAt: entry.expiresAt, updatedAt: entry.updatedAt, githubTokenSha256: entry.githubTokenSha256 }, null, 2)}\n`;
  await withFileLock(path, () => writeFileAtomic(path, text, { verify: verifyJson }));
}
