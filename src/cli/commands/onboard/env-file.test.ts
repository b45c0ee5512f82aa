import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "dotenv";
import { upsertDotenvText } from "./env-file.ts";

test("upsertDotenvText appends to an empty or missing file", () => {
  assert.equal(upsertDotenvText("", "OPENAI_API_KEY", "sk-1"), "OPENAI_API_KEY=sk-1\n");
  assert.equal(upsertDotenvText("A=1", "B", "2"), "A=1\nB=2\n");
});

test("upsertDotenvText rewrites the variable's line in place (also `export NAME=`), drops its repeats, keeps every other line", () => {
  const text = "# keys\nA=1\nexport OPENAI_API_KEY=old\n\nOPENAI_API_KEY_2=keep\nOPENAI_API_KEY=older\nB=2\n";
  assert.equal(upsertDotenvText(text, "OPENAI_API_KEY", "new"), "# keys\nA=1\nOPENAI_API_KEY=new\n\nOPENAI_API_KEY_2=keep\nB=2\n");
});

test("upsertDotenvText quotes a value dotenv would otherwise read differently", () => {
  for (const value of ["has space", "a#b", 'q"uote', "it's", "back\\nslash-n", "$HOME"]) {
    const written = upsertDotenvText("X=1\n", "KEY", value);
    assert.deepEqual(parse(written), { X: "1", KEY: value }, written);
  }
});
