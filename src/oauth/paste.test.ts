import { test } from "node:test";
import assert from "node:assert/strict";
import { redactSecrets } from "../auth/redact.ts";
import { OAuthError } from "./errors.ts";
import { parsePastedCode } from "./paste.ts";

const isCode = (code: string) => (error: unknown) => error instanceof OAuthError && error.code === code;

test("a full redirect URL gives its code and state", () => {
  assert.deepEqual(parsePastedCode("  http://localhost:1455/auth/callback?code=abc123&state=s1 \n", "s1"), { code: "abc123", state: "s1" });
  assert.deepEqual(parsePastedCode("https://example.com/cb#code=frag-code&state=s1", "s1"), { code: "frag-code", state: "s1" });
});

test("code#state, a query string and a bare code are accepted", () => {
  assert.deepEqual(parsePastedCode("abc#s1", "s1"), { code: "abc", state: "s1" });
  assert.deepEqual(parsePastedCode("code=abc&state=s1", "s1"), { code: "abc", state: "s1" });
  assert.deepEqual(parsePastedCode("?state=s1&code=abc", "s1"), { code: "abc", state: "s1" });
  assert.deepEqual(parsePastedCode("abc", "s1"), { code: "abc" });
  assert.deepEqual(parsePastedCode("abc#", "s1"), { code: "abc" });
});

test("a state that does not match is a clear error, in every form", () => {
  for (const paste of ["http://localhost:1455/auth/callback?code=abc&state=other", "abc#other", "code=abc&state=other"]) {
    assert.throws(() => parsePastedCode(paste, "s1"), (error: unknown) => isCode("state_mismatch")(error) && /State mismatch/.test((error as Error).message));
  }
});

test("empty pastes, pastes without a code, and provider errors are refused", () => {
  assert.throws(() => parsePastedCode("   "), isCode("missing_code"));
  assert.throws(() => parsePastedCode("http://localhost:1455/auth/callback?state=s1"), isCode("missing_code"));
  assert.throws(() => parsePastedCode("#s1"), isCode("missing_code"));
  assert.throws(
    () => parsePastedCode("http://localhost:1455/auth/callback?error=access_denied&error_description=user+said+no"),
    (error: unknown) => isCode("access_denied")(error) && /user said no/.test((error as Error).message),
  );
});

test("a pasted code is registered as a secret and never echoed in errors", () => {
  const code = "pasted-code-0123456789abcdef";
  assert.throws(() => parsePastedCode(`${code}#wrong`, "s1"), (error: unknown) => !(error as Error).message.includes(code));
  assert.ok(!redactSecrets(`log line ${code}`).includes(code));
});
