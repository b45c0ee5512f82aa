import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { challengeS256, createPkce, createState, createVerifier, isValidVerifier } from "./pkce.ts";

test("a verifier is 43 to 128 unreserved characters (RFC 7636 §4.1)", () => {
  assert.equal(createVerifier().length, 43);
  assert.equal(createVerifier(96).length, 128);
  for (let i = 0; i < 50; i++) assert.ok(isValidVerifier(createVerifier(32 + (i % 65))));
  assert.throws(() => createVerifier(31), RangeError);
  assert.throws(() => createVerifier(97), RangeError);
});

test("the S256 challenge is base64url(sha256(verifier)) without padding", () => {
  // RFC 7636 appendix B.
  assert.equal(challengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const { verifier, challenge, method } = createPkce();
  assert.equal(method, "S256");
  assert.equal(challenge, createHash("sha256").update(verifier).digest("base64url"));
  assert.doesNotMatch(challenge, /[=+/]/);
  assert.throws(() => challengeS256("too-short"), RangeError);
});

test("state is random and separate from the verifier", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const pkce = createPkce();
    assert.notEqual(pkce.state, pkce.verifier);
    assert.ok(!pkce.verifier.includes(pkce.state) && !pkce.state.includes(pkce.verifier));
    assert.match(pkce.state, /^[0-9a-f]{32}$/);
    seen.add(pkce.state).add(pkce.verifier);
  }
  assert.equal(seen.size, 200);
  assert.notEqual(createState(), createState());
});
