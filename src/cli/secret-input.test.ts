import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePastedSecret } from "./secret-input.ts";

const KEY = "sk-proj-" + "k".repeat(40);

function accepted(raw: string): { secret: string; notes: string[] } {
  const parsed = parsePastedSecret(raw, "API key");
  assert.ok(parsed.ok, `refused ${JSON.stringify(raw)}: ${parsed.ok ? "" : parsed.problem}`);
  return { secret: parsed.secret, notes: parsed.notes };
}

function refused(raw: string): string {
  const parsed = parsePastedSecret(raw, "API key");
  assert.ok(!parsed.ok, `accepted ${JSON.stringify(raw)}`);
  assert.ok(!parsed.problem.includes("kkkk"), "the problem must not echo the secret");
  return parsed.problem;
}

test("a plain secret is kept as it is, surrounding whitespace trimmed, without notes", () => {
  assert.deepEqual(accepted(KEY), { secret: KEY, notes: [] });
  assert.deepEqual(accepted(`  ${KEY}\r\n`), { secret: KEY, notes: [] });
});

test("quotes, NAME=, export NAME= and Bearer are removed, each with one note, in any nesting", () => {
  assert.deepEqual(accepted(`"${KEY}"`), { secret: KEY, notes: ["Note: removed the surrounding quotes"] });
  assert.deepEqual(accepted(`'${KEY}'`).secret, KEY);
  assert.deepEqual(accepted(`\`${KEY}\``).secret, KEY);
  assert.deepEqual(accepted(`OPENAI_API_KEY=${KEY}`), { secret: KEY, notes: ["Note: removed the `OPENAI_API_KEY=` prefix"] });
  assert.deepEqual(accepted(`Bearer ${KEY}`), { secret: KEY, notes: ["Note: removed the `Bearer ` prefix"] });
  assert.deepEqual(accepted(`bearer   ${KEY}`).secret, KEY);
  assert.deepEqual(accepted(`export OPENAI_API_KEY="Bearer ${KEY}"`), {
    secret: KEY,
    notes: ["Note: removed the `export OPENAI_API_KEY=` prefix", "Note: removed the surrounding quotes", "Note: removed the `Bearer ` prefix"],
  });
  assert.equal(accepted(`"OPENAI_API_KEY='${KEY}'"`).secret, KEY);
  assert.equal(accepted(`Bearer "${KEY}"`).secret, KEY);
});

test("a base64 secret with `=` padding is not mistaken for NAME=value", () => {
  for (const secret of ["AbCdEfGhIjKlMnOp0123456789==", "abcdef0123456789abcdef=", "Ab_C=def"]) assert.deepEqual(accepted(secret), { secret, notes: [] });
  // Unquoted mismatched quotes stay.
  assert.equal(accepted(`"${KEY}'`).secret, `"${KEY}'`);
});

test("whitespace, line breaks and control or invisible characters inside are refused without echoing the secret", () => {
  assert.match(refused("sk-proj-kkkkkkkk kkkkkkkk"), /contains a space/);
  assert.match(refused("sk-proj-kkkkkkkk\tkkkkkkkk"), /contains a space/);
  assert.match(refused("sk-proj-kkkkkkkk\nkkkkkkkk"), /line break: paste it as one piece/);
  assert.match(refused("sk-proj-kkkkkkkk\r\nkkkkkkkk"), /line break/);
  assert.match(refused("sk-proj-kkkkkkkk\u0007kkkkkkkk"), /control or invisible character/);
  assert.match(refused("sk-proj-kkkkkkkk\u200bkkkkkkkk"), /control or invisible character/);
  assert.match(refused("sk-proj-kkkkkkkk\u202ekkkkkkkk"), /control or invisible character/);
  assert.match(refused("Bearer sk-proj-kkkkkkkk kkkkkkkk"), /contains a space/);
  const empty = parsePastedSecret(' "" ', "token");
  assert.deepEqual(empty, { ok: false, problem: "Required", empty: true });
});
