import { test } from "node:test";
import assert from "node:assert/strict";
import { didYouMean, editDistance, nearMisses } from "./did-you-mean.ts";

test("a swap of two neighbouring letters is one edit; other edits count one each", () => {
  assert.equal(editDistance("antrhopic", "anthropic"), 1);
  assert.equal(editDistance("statu", "status"), 1);
  assert.equal(editDistance("openai", "opneia"), 2);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("same", "same"), 0);
});

test("near misses: within 2 edits, 1 for short ids; none for the id itself or a new one", () => {
  const known = ["anthropic", "openai", "openrouter", "groq", "xai", "google"];
  assert.deepEqual(nearMisses("antrhopic", known), ["anthropic"]);
  assert.deepEqual(nearMisses("opnai", known), ["openai"]);
  assert.deepEqual(nearMisses("openrutr", known), ["openrouter"]);
  assert.deepEqual(nearMisses("anthropic", known), []);
  assert.deepEqual(nearMisses("mycorp-llm", known), []);
  // Short ids allow one edit only: `xia` is a typo of xai, `ab` is nobody's.
  assert.deepEqual(nearMisses("xia", known), ["xai"]);
  assert.deepEqual(nearMisses("gq", known), []);
  assert.deepEqual(nearMisses("grooq", known), ["groq"]);
  assert.deepEqual(nearMisses("gxoql", known), []);
  // Only the closest candidates, sorted.
  assert.deepEqual(nearMisses("opena", [...known, "openb"]), ["openai", "openb"]);
  assert.deepEqual(nearMisses("openrouterx", known), ["openrouter"]);
});

test("the suggestion reads as a question", () => {
  assert.equal(didYouMean(["status"]), "Did you mean status?");
  assert.equal(didYouMean(["grok", "groq"]), "Did you mean grok or groq?");
  assert.equal(didYouMean(["a", "b", "c"]), "Did you mean a, b or c?");
  assert.equal(didYouMean([]), "");
});
