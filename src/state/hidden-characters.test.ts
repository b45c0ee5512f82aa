import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeHiddenCharacters, hasHiddenCharacters, hiddenCharactersProblem } from "./hidden-characters.ts";

const HIDDEN = ["\u0000", "\u0007", "\t", "\n", "\u001f", "\u007f", "\u0085", "\u009f", "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];
const VISIBLE = ["openai:work", "anthropic:me@example.com", "google:ünïcödé", "x:日本", "a:b-c_d.e", "openai:\u200d", "z:\u00a0"];

test("control characters and bidi controls are hidden; ordinary Unicode is not", () => {
  for (const char of HIDDEN) assert.equal(hasHiddenCharacters(`openai:${char}x`), true, escapeHiddenCharacters(char));
  // The zero-width joiner and no-break space are not on the list: they occur in real names and do not reorder text.
  for (const id of VISIBLE) assert.equal(hasHiddenCharacters(id), false, id);
});

test("escaping writes each hidden character as \\uXXXX and leaves the rest", () => {
  assert.equal(escapeHiddenCharacters("openai:\u202Ekrow\u0007é"), "openai:\\u202Ekrow\\u0007é");
  assert.equal(escapeHiddenCharacters("plain"), "plain");
});

test("the problem names the id escaped, where it was found, and which characters", () => {
  assert.equal(hiddenCharactersProblem("openai:work"), undefined);
  assert.equal(
    hiddenCharactersProblem("openai:\u202Ekrow\u202E\u0000", "order.openai"),
    'profile id "openai:\\u202Ekrow\\u202E\\u0000" in order.openai contains a control or bidirectional-override character (U+202E, U+0000), which can make it look like another id or break the line it is printed on',
  );
  assert.doesNotMatch(hiddenCharactersProblem("a:\u202E", "x\u202E")!, /\u202E/);
});
