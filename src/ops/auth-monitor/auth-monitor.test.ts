// The monitor's pure parts: what is due per channel, the state after a
// delivery, systemd quoting and --every, and the state file's tolerance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { channelAfter, planChannel } from "./monitor.ts";
import { alertMessage, findingKey, findingsFromReport, type Finding } from "./findings.ts";
import { shellWord } from "../shell-word.ts";
import type { StatusReport } from "../status-report.ts";
import { execWord, parseEvery, renderService } from "./systemd.ts";
import { loadState } from "./state.ts";

const HOUR = 3_600_000;
const expiring: Finding = { provider: "anthropic", profileId: "anthropic:manual", status: "expiring", expiresAt: 5 * HOUR, fix: "openclaw models auth paste-token --provider anthropic" };
const expired: Finding = { ...expiring, status: "expired" };
const missing: Finding = { provider: "openai", profileId: null, status: "missing", expiresAt: null, fix: "openclaw models auth paste-api-key --provider openai" };

test("a new finding is due, the same one is quiet for an hour, then due again", () => {
  const plan = planChannel(undefined, [expiring], 0);
  assert.deepEqual(plan, { kind: "alert", findings: [expiring] });
  const after = channelAfter(undefined, [expiring], plan, 0);
  assert.deepEqual(after, { sent: { [findingKey(expiring)]: 0 }, alerted: true });
  assert.equal(planChannel(after, [expiring], HOUR - 1), undefined);
  assert.deepEqual(planChannel(after, [expiring], HOUR)?.findings, [expiring]);
});

test("a changed status is a new finding; only the due ones are sent; gone ones are forgotten", () => {
  const told = channelAfter(undefined, [expiring, missing], { kind: "alert", findings: [expiring, missing] }, 0);
  const plan = planChannel(told, [expired, missing], 60_000);
  assert.deepEqual(plan?.findings, [expired]);
  const after = channelAfter(told, [expired, missing], plan, 60_000);
  assert.deepEqual(after.sent, { [findingKey(expired)]: 60_000, [findingKey(missing)]: 0 });
});

test("all OK after an alert is one resolved notice, then nothing; a clock set back does not silence a finding", () => {
  const told = channelAfter(undefined, [expiring], { kind: "alert", findings: [expiring] }, 0);
  const plan = planChannel(told, [], 10);
  assert.deepEqual(plan, { kind: "resolved", findings: [] });
  const after = channelAfter(told, [], plan, 10);
  assert.equal(planChannel(after, [], 20), undefined);
  assert.equal(planChannel(undefined, [], 20), undefined, "nothing to resolve on a channel never alerted");
  const future = { sent: { [findingKey(expiring)]: 10 * HOUR }, alerted: true };
  assert.deepEqual(planChannel(future, [expiring], 0)?.findings, [expiring]);
});

test("messages: the worst status decides priority and title; fixes are shell-safe", () => {
  const message = alertMessage([expiring, missing], "gw", 0);
  assert.equal(message.priority, "urgent");
  assert.equal(message.status, "missing");
  assert.equal(message.title, "OpenClaw auth on gw: 1 credential missing, 1 credential expiring");
  assert.equal(message.body, "anthropic:manual expires in 5h — fix: openclaw models auth paste-token --provider anthropic\nopenai (no credential) missing — fix: openclaw models auth paste-api-key --provider openai");
  assert.equal(shellWord("anthropic:work"), "anthropic:work");
  assert.equal(shellWord("a'b $(x)"), `'a'\\''b $(x)'`);
});

test("ExecStart words are quoted with %-specifiers and $-expansion disarmed; Environment= keeps $ as it is", () => {
  assert.equal(execWord("/usr/bin/node"), '"/usr/bin/node"');
  assert.equal(execWord("/home/a b/x"), '"/home/a b/x"');
  assert.equal(execWord("100%"), '"100%%"');
  assert.equal(execWord("$HOME"), '"$$HOME"');
  assert.equal(execWord('say "hi"'), '"say \\"hi\\""');
  const unit = renderService({ execStart: ["/n", "/o.cjs", "auth-monitor", "run"], environment: { OPENCLAW_STATE_DIR: "/s/$x" } });
  assert.match(unit, /^ExecStart="\/n" "\/o\.cjs" "auth-monitor" "run"$/m);
  assert.match(unit, /^Environment="OPENCLAW_STATE_DIR=\/s\/\$x"$/m);
  assert.match(unit, /^SuccessExitStatus=1 2$/m);
});

test("--every: systemd spellings, a bare number is minutes, nonsense is refused", () => {
  assert.equal(parseEvery("30min"), "30min");
  assert.equal(parseEvery("15m"), "15min");
  assert.equal(parseEvery("2h"), "2h");
  assert.equal(parseEvery("45"), "45min");
  assert.equal(parseEvery("1 day"), "1d");
  for (const bad of ["0m", "often", "-5m", "5 fortnights"]) assert.throws(() => parseEvery(bad), /--every must be/);
});

test("the state file: OpenClaw's epoch seconds and broken JSON are replaced with a reason, never a crash", async () => {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-monitor-state-"));
  try {
    const path = join(dir, "auth-monitor-state");
    assert.deepEqual(await loadState(path), { state: { version: 1, channels: {} } });
    await writeFile(path, "1767225600\n");
    assert.match((await loadState(path)).ignored!, /OpenClaw's auth-monitor\.sh timestamp/);
    await writeFile(path, '{"version":1,"channels":{"ntfy":{"sent":{"k":"soon"},"alerted":true}}}');
    assert.match((await loadState(path)).ignored!, /not valid auth-monitor state/);
    const good = { version: 1, channels: { ntfy: { sent: { k: 5 }, alerted: true } } };
    await writeFile(path, JSON.stringify(good));
    assert.deepEqual(await loadState(path), { state: good });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("findings: none when the check is OK; a non-zero check with no finding in the report still alerts, pointing at models status", () => {
  const report = { auth: { missingProvidersInUse: [], oauth: { profiles: [{ profileId: "anthropic:manual", provider: "anthropic", type: "token", status: "expiring", expiresAt: 7, source: "store", label: "anthropic:manual" }] } } } as unknown as StatusReport;
  assert.deepEqual(findingsFromReport(report, 0), []);
  assert.deepEqual(findingsFromReport(report, 2, "work"), [{ provider: "anthropic", profileId: "anthropic:manual", status: "expiring", expiresAt: 7, fix: "openclaw models auth paste-token --provider anthropic --agent work" }]);
  const empty = { auth: { missingProvidersInUse: [], oauth: { profiles: [] } } } as unknown as StatusReport;
  assert.deepEqual(findingsFromReport(empty, 1), [{ provider: "unknown", profileId: null, status: "expired", expiresAt: null, fix: "openclaw models status" }]);
});
