import { test } from "node:test";
import assert from "node:assert/strict";
import JSON5 from "json5";
import { findDuplicateKey } from "./duplicate-keys.ts";
import { findJsonLoss } from "./json-losses.ts";
import { DuplicateKeyError, parseJson5Text, parseJsonText, positionAt, TextParseError } from "./json-text.ts";

/** Where the duplicate is, as `key @ path @ line:column`, or "none". */
function describe(text: string): string {
  const found = findDuplicateKey(text);
  if (!found) return "none";
  const { line, column } = positionAt(text, found.offset);
  return `${found.key} @ ${JSON.stringify(found.path)} @ ${line}:${column}`;
}

test("JSON: the second occurrence of a key, with the path to its object and its line and column", () => {
  const text = ['{', '  "version": 1,', '  "profiles": {', '    "a:x": { "key": "1" },', '    "a:y": {},', '    "a:x": { "key": "2" }', "  }", "}"].join("\n");
  assert.equal(describe(text), 'a:x @ ["profiles"] @ 6:5');
  assert.equal(describe('{"a": 1, "a": 2}'), "a @ [] @ 1:10");
  assert.equal(describe('{"l": [{"x": 1}, {"y": 1, "y": 2}]}'), 'y @ ["l",1] @ 1:27');
  assert.equal(describe('{"a": {"b": {"c": 1, "d": {}, "c": 2}}}'), 'c @ ["a","b"] @ 1:31');
});

test("the same key in sibling or nested objects is not a duplicate", () => {
  for (const text of ['{"a": {"k": 1}, "b": {"k": 1}}', '{"k": {"k": {"k": 1}}}', '[{"k": 1}, {"k": 2}]', '{"a": [1, "a", {"a": "a"}]}', "{}", "[]", '"str"', "42"]) {
    assert.equal(describe(text), "none", text);
  }
});

test("strings are skipped whole: quotes, braces, colons and commas inside them are not structure", () => {
  assert.equal(describe(String.raw`{"a": "x\", \"a\": {", "b": "}", "c": "\\", "d": ":,{}[]"}`), "none");
  assert.equal(describe(String.raw`{"a\\": 1, "a": 2}`), "none");
  assert.equal(describe(String.raw`{"a\\": 1, "a\\": 2}`), "a\\ @ [] @ 1:12");
});

test("keys that decode equal are duplicates: escapes, and JSON5's unquoted and single-quoted forms", () => {
  assert.equal(describe(String.raw`{"a": 1, "\u0061": 2}`), "a @ [] @ 1:10");
  assert.equal(describe(String.raw`{"a/b": 1, "a\/b": 2}`), "a/b @ [] @ 1:12");
  assert.equal(describe("{a: 1, 'a': 2}"), "a @ [] @ 1:8");
  assert.equal(describe(String.raw`{a: 1, \u0061: 2}`), "a @ [] @ 1:8");
  assert.equal(describe(String.raw`{'it\'s': 1, "it's": 2}`), "it's @ [] @ 1:14");
  assert.equal(describe(String.raw`{'\x41': 1, A: 2}`), "A @ [] @ 1:13");
  assert.equal(describe("{'a\\\nb': 1, ab: 2}"), "ab @ [] @ 2:8");
  assert.equal(describe("{$id: 1, _id: 2, $id: 3}"), "$id @ [] @ 1:18");
  assert.equal(describe("{a: 1, 'b': 2}"), "none");
});

test("JSON5: comments, trailing commas and unusual numbers are skipped", () => {
  const text = [
    "{",
    "  // a comment with a duplicate-looking 'a': and { braces",
    "  a: 1, /* b: 2, a: 3 */",
    "  list: [+1, -Infinity, NaN, 0x1F, .5, 5.,],",
    "  'quoted': 'x',",
    "  nested: { a: 'still fine', },",
    "}",
  ].join("\n");
  assert.doesNotThrow(() => JSON5.parse(text));
  assert.equal(describe(text), "none");
  assert.equal(describe(text.replace("'quoted'", "list")), "list @ [] @ 5:3");
  assert.equal(describe("{a: 1, // comment at the end\n a: 2}"), "a @ [] @ 2:2");
});

test("property names are keys like any other", () => {
  assert.equal(describe('{"__proto__": 1, "constructor": 2, "__proto__": 3}'), "__proto__ @ [] @ 1:36");
  assert.equal(describe('{"toString": {"constructor": 1, "constructor": 2}}'), 'constructor @ ["toString"] @ 1:33');
  assert.equal(describe('{"constructor": 1, "hasOwnProperty": 2}'), "none");
});

/** A pseudo-random document with repeated key names across and (sometimes) within objects. */
function randomDocumentText(seed: number): string {
  // mulberry32: small, and good enough that every branch below is taken.
  let state = seed;
  const next = (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const names = ["a", "b", "__proto__", "constructor", "toString", 'q"uote', "back\\slash", "sp ace", ":", "{"];
  const value = (depth: number): string => {
    const kind = depth > 3 ? next(3) : next(6);
    if (kind === 0) return String(next(1000));
    if (kind === 1) return JSON.stringify(names[next(names.length)]);
    if (kind === 2) return next(2) ? "true" : "null";
    if (kind === 3) return `[${Array.from({ length: next(3) }, () => value(depth + 1)).join(", ")}]`;
    const keys = Array.from({ length: next(4) }, () => names[next(names.length)]!);
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${value(depth + 1)}`).join(",\n ")}}`;
  };
  return `{"root": ${value(0)}, "other": ${value(0)}}`;
}

test("the quick count and the scanner agree on hundreds of documents", () => {
  let withDuplicates = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const text = randomDocumentText(seed);
    const parsed = JSON.parse(text);
    const lost = findJsonLoss(text, parsed)?.kind === "duplicate-key";
    assert.equal(lost, findDuplicateKey(text) !== undefined, `seed ${seed}: ${text}`);
    if (lost) withDuplicates++;
  }
  // Both kinds occur, so the agreement means something.
  assert.ok(withDuplicates > 50 && withDuplicates < 350, `${withDuplicates} of 400 had duplicates`);
});

test("parseJsonText and parseJson5Text refuse duplicates by key path and position, never quoting values", async () => {
  const secret = "sk-ant-api03-SECRETSECRETSECRET";
  const store = `{\n  "profiles": {\n    "a:x": { "key": "${secret}" },\n    "a:x": { "key": "${secret}2" }\n  }\n}\n`;
  await assert.rejects(parseJsonText(store), (error: unknown) => {
    assert.ok(error instanceof DuplicateKeyError && error instanceof TextParseError);
    assert.equal(error.message, 'duplicate key "a:x" in profiles at line 4, column 5 (the second one would silently replace the first)');
    assert.deepEqual(error.position, { line: 4, column: 5 });
    return true;
  });
  await assert.rejects(parseJson5Text(store), DuplicateKeyError);
  await assert.rejects(parseJson5Text("{\n  agents: {},\n  // again:\n  'agents': {},\n}"), {
    message: 'duplicate key "agents" at the top level at line 4, column 3 (the second one would silently replace the first)',
  });
  await assert.rejects(parseJsonText('{"a:\u202Ex": 1, "a:\u202Ex": 2}'), { message: /^duplicate key "a:\\u202Ex" at the top level/ });
  assert.deepEqual(await parseJson5Text("{a: 1, b: {a: 2}}"), { a: 1, b: { a: 2 } });
});

test("a syntax error is still reported as one, even in text that also has a duplicate key", async () => {
  await assert.rejects(parseJsonText('{"a": 1, "a": 2,}'), (error: unknown) => error instanceof TextParseError && !(error instanceof DuplicateKeyError) && /invalid JSON/.test(error.message));
  await assert.rejects(parseJson5Text("{a: 1, a: 2,,}"), (error: unknown) => error instanceof TextParseError && !(error instanceof DuplicateKeyError));
});
