import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveConfigPath, resolveHomeDir, resolveStateDir, shortenHome } from "./paths.ts";

test("home: OPENCLAW_HOME (with ~ expanded from HOME) > HOME > USERPROFILE", () => {
  assert.equal(resolveHomeDir({ OPENCLAW_HOME: "~/alt", HOME: "/home/u" }), "/home/u/alt");
  assert.equal(resolveHomeDir({ HOME: "/home/u" }), "/home/u");
  assert.equal(resolveHomeDir({ USERPROFILE: "/users/u" }), "/users/u");
});

test("state dir: OPENCLAW_STATE_DIR, else ~/.openclaw, else an existing legacy dir", () => {
  const home = mkdtempSync(join(tmpdir(), "paths-"));
  try {
    assert.equal(resolveStateDir({ HOME: home, OPENCLAW_STATE_DIR: "~/state" }), join(home, "state"));
    assert.equal(resolveStateDir({ HOME: home }), join(home, ".openclaw"));
    mkdirSync(join(home, ".moltbot"));
    assert.equal(resolveStateDir({ HOME: home }), join(home, ".moltbot"));
    mkdirSync(join(home, ".openclaw"));
    assert.equal(resolveStateDir({ HOME: home }), join(home, ".openclaw"));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("config: OPENCLAW_CONFIG_PATH, else the first existing name in the state dir, else openclaw.json", () => {
  const state = mkdtempSync(join(tmpdir(), "paths-"));
  try {
    assert.equal(resolveConfigPath({ HOME: "/h", OPENCLAW_CONFIG_PATH: "~/c.json" }, state), "/h/c.json");
    assert.equal(resolveConfigPath({ HOME: "/h" }, state), join(state, "openclaw.json"));
    writeFileSync(join(state, "clawdbot.json"), "{}");
    assert.equal(resolveConfigPath({ HOME: "/h" }, state), join(state, "clawdbot.json"));
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test("human output shows the home dir as ~", () => {
  assert.equal(shortenHome("/home/u/.openclaw/openclaw.json", { HOME: "/home/u" }), "~/.openclaw/openclaw.json");
  assert.equal(shortenHome("/home/user2/x", { HOME: "/home/u" }), "/home/user2/x");
  assert.equal(shortenHome("/home/u", { HOME: "/home/u" }), "~");
});
