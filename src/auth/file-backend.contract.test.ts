// The JSON-file backend (OpenClaw 2026.2.26's auth-profiles.json per agent)
// against the backend contract, plus what only files can show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { backendContract, MAIN, type BackendState } from "./backend-contract.ts";
import { createFileBackend } from "./file-backend.ts";
import { authStorePath } from "./store.ts";

interface FileState extends BackendState {
  storePath(agentId: string): string;
}

async function fileState(): Promise<FileState> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-contract-"));
  const stateDir = join(home, ".openclaw");
  const agentDir = (agentId: string) => join(stateDir, "agents", agentId, "agent");
  const storePath = (agentId: string) => authStorePath(agentDir(agentId));
  const write = async (agentId: string, text: string) => {
    await mkdir(dirname(storePath(agentId)), { recursive: true });
    await writeFile(storePath(agentId), text, { mode: 0o600 });
  };
  return {
    open: () => createFileBackend({ stateDir, env: { HOME: home }, agents: { defaultAgentId: MAIN, agentDir } }),
    corrupt: (agentId) => write(agentId, "{ not json"),
    writeDocument: (agentId, document) => write(agentId, JSON.stringify(document, null, 2) + "\n"),
    cleanup: () => rm(home, { recursive: true, force: true }),
    storePath,
  };
}

backendContract("json files", { setup: fileState, sharing: "read-through" });

async function withFileState(body: (state: FileState) => Promise<void>): Promise<void> {
  const state = await fileState();
  try {
    await body(state);
  } finally {
    await state.cleanup();
  }
}

test("json files: an update that changes nothing leaves the file alone (same inode, same mtime)", () =>
  withFileState(async (state) => {
    const backend = state.open();
    try {
      await backend.update(MAIN, (store) => {
        store.profiles["openai:a"] = { type: "api_key", provider: "openai", key: "sk-contract-file-0123456789" };
      });
      const before = await stat(state.storePath(MAIN));
      await new Promise((resolve) => setTimeout(resolve, 20)); // an mtime a write would change
      await backend.update(MAIN, (store) => store.profiles["openai:a"]);
      const after = await stat(state.storePath(MAIN));
      assert.equal(after.ino, before.ino);
      assert.equal(after.mtimeMs, before.mtimeMs);
    } finally {
      backend.close();
    }
  }));

test("json files: a failed update leaves a broken file byte for byte", () =>
  withFileState(async (state) => {
    const backend = state.open();
    try {
      await state.corrupt(MAIN);
      await assert.rejects(backend.update(MAIN, () => undefined), (error: Error) => error.message.includes(state.storePath(MAIN)));
      assert.equal(await readFile(state.storePath(MAIN), "utf8"), "{ not json");
    } finally {
      backend.close();
    }
  }));
