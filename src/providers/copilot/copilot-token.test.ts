// The Copilot runtime token against a fake exchange endpoint on 127.0.0.1:
// what is sent, the cache (reuse, margin, per GitHub login, corrupt file,
// modes), the base URL, errors, and one exchange for many callers.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { VERSION } from "../../version.ts";
import { fakeCopilotToken, startFakeCopilotExchange, type FakeCopilotServer } from "../../../test/helpers/fake-copilot-token.ts";
import {
  COPILOT_LOGIN_COMMAND,
  CopilotAccessError,
  CopilotTokenUnavailableError,
  copilotBaseUrl,
  copilotRuntimeToken,
  copilotTokenCachePath,
  forgetCopilotTokens,
  type CopilotRuntimeOptions,
} from "./copilot-token.ts";

const GITHUB_A = "gho_" + "A".repeat(36);
const GITHUB_B = "gho_" + "B".repeat(36);
const MINUTE = 60_000;
const NOW = 1_795_614_300_000;

let stateDir: string;
let fake: FakeCopilotServer;
let expiresAt: number;

beforeEach(async () => {
  stateDir = join(mkdtempSync(join(tmpdir(), "openclaw-copilot-")), "state");
  expiresAt = Math.floor(NOW / 1000) + 30 * 60; // seconds, as GitHub sends it
  fake = await startFakeCopilotExchange({ githubTokens: [GITHUB_A, GITHUB_B], expiresAt: () => expiresAt });
  forgetCopilotTokens();
});

afterEach(async () => {
  await fake.close();
  rmSync(dirname(stateDir), { recursive: true, force: true });
});

const options = (extra: Partial<CopilotRuntimeOptions> = {}): CopilotRuntimeOptions => ({ stateDir, tokenUrl: fake.url, now: () => NOW, ...extra });
const readCache = () => JSON.parse(readFileSync(copilotTokenCachePath(stateDir), "utf8")) as Record<string, unknown>;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const writeCache = (entry: object | string) => {
  mkdirSync(join(stateDir, "credentials"), { recursive: true });
  writeFileSync(copilotTokenCachePath(stateDir), typeof entry === "string" ? entry : JSON.stringify(entry));
};

/** A secret may appear nowhere: error messages, hints, the cache file (for the GitHub token). */
function assertNotIn(texts: (string | undefined)[], secrets: string[]): void {
  for (const text of texts) for (const secret of secrets) assert.ok(!(text ?? "").includes(secret), `a secret leaked into: ${text}`);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { hint?: string };
  }
  assert.fail("expected a rejection");
}

describe("the exchange", () => {
  test("sends the GitHub token as Bearer and names us; returns the Copilot token, its expiry in ms and the base URL", async () => {
    const result = await copilotRuntimeToken(GITHUB_A, options());
    assert.deepEqual(result, { token: fakeCopilotToken(1), expiresAt: expiresAt * 1000, baseUrl: "https://api.individual.githubcopilot.com" });
    assert.equal(fake.requests.length, 1);
    const [request] = fake.requests;
    assert.equal(request!.method, "GET");
    assert.equal(request!.path, "/copilot_internal/v2/token");
    assert.equal(request!.headers.authorization, `Bearer ${GITHUB_A}`);
    assert.equal(request!.headers.accept, "application/json");
    assert.equal(request!.headers["user-agent"], `openclaw/${VERSION}`);
    // No borrowed identity: none of the headers an editor plugin sends.
    for (const header of ["editor-version", "editor-plugin-version", "copilot-integration-id", "x-github-api-version"]) assert.equal(request!.headers[header], undefined, header);
  });

  test("writes OpenClaw's cache file and shape, keyed to the GitHub token by its SHA-256, 0600 in a 0700 dir", async () => {
    await copilotRuntimeToken(GITHUB_A, options());
    const path = copilotTokenCachePath(stateDir);
    assert.equal(path, join(stateDir, "credentials", "github-copilot.token.json"));
    assert.deepEqual(readCache(), { token: fakeCopilotToken(1), expiresAt: expiresAt * 1000, updatedAt: NOW, githubTokenSha256: sha256(GITHUB_A) });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assertNotIn([readFileSync(path, "utf8")], [GITHUB_A]);
  });

  test("expires_at in seconds is converted; a value above 1e10 is already ms", async () => {
    expiresAt = NOW + 40 * MINUTE; // ms
    assert.equal((await copilotRuntimeToken(GITHUB_A, options())).expiresAt, NOW + 40 * MINUTE);
    forgetCopilotTokens();
    rmSync(copilotTokenCachePath(stateDir));
    expiresAt = Math.floor(NOW / 1000) + 50 * 60; // s
    assert.equal((await copilotRuntimeToken(GITHUB_A, options())).expiresAt, NOW + 50 * MINUTE);
  });
});

describe("the cache", () => {
  test("a fresh cached token is reused: from memory, and from the file in another process", async () => {
    const first = await copilotRuntimeToken(GITHUB_A, options());
    assert.deepEqual(await copilotRuntimeToken(GITHUB_A, options()), first);
    forgetCopilotTokens(); // as a second process would start
    assert.deepEqual(await copilotRuntimeToken(GITHUB_A, options()), first);
    assert.equal(fake.requests.length, 1);
  });

  test("reused while more than 5 minutes remain, exchanged again below that", async () => {
    const cachedExpiry = NOW + 30 * MINUTE;
    writeCache({ token: fakeCopilotToken(90), expiresAt: cachedExpiry, updatedAt: NOW - MINUTE, githubTokenSha256: sha256(GITHUB_A) });
    assert.equal((await copilotRuntimeToken(GITHUB_A, options({ now: () => cachedExpiry - 6 * MINUTE }))).token, fakeCopilotToken(90));
    assert.equal(fake.requests.length, 0);
    // 4 minutes left: too close (the memory copy too).
    const later = await copilotRuntimeToken(GITHUB_A, options({ now: () => cachedExpiry - 4 * MINUTE }));
    assert.equal(later.token, fakeCopilotToken(1));
    assert.equal(fake.requests.length, 1);
    assert.equal(readCache()["token"], fakeCopilotToken(1));
  });

  test("another GitHub login never gets this one's Copilot token", async () => {
    const a = await copilotRuntimeToken(GITHUB_A, options());
    const b = await copilotRuntimeToken(GITHUB_B, options());
    assert.notEqual(b.token, a.token);
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1]!.headers.authorization, `Bearer ${GITHUB_B}`);
    assert.equal(readCache()["githubTokenSha256"], sha256(GITHUB_B));
    forgetCopilotTokens();
    // The file now belongs to B: A exchanges again.
    await copilotRuntimeToken(GITHUB_A, options());
    assert.equal(fake.requests.length, 3);
  });

  test("OpenClaw's own cache (no fingerprint) is not reused, and is replaced by ours", async () => {
    writeCache({ token: fakeCopilotToken(77), expiresAt: NOW + 60 * MINUTE, updatedAt: NOW });
    const result = await copilotRuntimeToken(GITHUB_A, options());
    assert.equal(result.token, fakeCopilotToken(1));
    assert.equal(fake.requests.length, 1);
    assert.equal(readCache()["githubTokenSha256"], sha256(GITHUB_A));
  });

  test("a corrupt cache file is ignored and rewritten (it is a cache, not user data)", async () => {
    for (const corrupt of ["{not json", "[]", "null", JSON.stringify({ token: 5, expiresAt: "soon", githubTokenSha256: sha256(GITHUB_A) })]) {
      forgetCopilotTokens();
      writeCache(corrupt);
      const before = fake.requests.length;
      const result = await copilotRuntimeToken(GITHUB_A, options());
      assert.equal(fake.requests.length, before + 1, corrupt);
      assert.equal(readCache()["token"], result.token);
    }
  });

  test("a cache that cannot be written costs nothing but a warning", async () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, "credentials"), "a file where the directory should be");
    const warnings: string[] = [];
    const result = await copilotRuntimeToken(GITHUB_A, options({ warn: (message) => warnings.push(message) }));
    assert.equal(result.token, fakeCopilotToken(1));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Could not cache the Copilot token/);
    assertNotIn(warnings, [GITHUB_A, result.token]);
  });
});

describe("the base URL from proxy-ep", () => {
  test("proxy.<host> becomes https://api.<host>; no or odd proxy-ep gives the individual plan's API", () => {
    assert.equal(copilotBaseUrl(fakeCopilotToken(1, "proxy.business.githubcopilot.com")), "https://api.business.githubcopilot.com");
    assert.equal(copilotBaseUrl(fakeCopilotToken(1, "proxy.enterprise.githubcopilot.com")), "https://api.enterprise.githubcopilot.com");
    assert.equal(copilotBaseUrl("tid=x;proxy-ep=https://proxy.individual.githubcopilot.com;exp=1"), "https://api.individual.githubcopilot.com");
    assert.equal(copilotBaseUrl("proxy-ep=copilot-proxy.example.com:8443"), "https://copilot-proxy.example.com:8443");
    assert.equal(copilotBaseUrl("tid=x;exp=1"), "https://api.individual.githubcopilot.com");
    assert.equal(copilotBaseUrl("tid=x;proxy-ep=evil.example/path?x;exp=1"), "https://api.individual.githubcopilot.com");
    assert.equal(copilotBaseUrl("opaque-token-without-fields"), "https://api.individual.githubcopilot.com");
  });

  test("the result carries it", async () => {
    fake.answer = () => ({ body: { token: fakeCopilotToken(5, "proxy.business.githubcopilot.com"), expires_at: expiresAt } });
    assert.equal((await copilotRuntimeToken(GITHUB_A, options())).baseUrl, "https://api.business.githubcopilot.com");
  });
});

describe("errors", () => {
  test("401 and 403: no Copilot access or an expired GitHub token, with the login command; nothing cached", async () => {
    for (const status of [401, 403]) {
      fake.answer = () => ({ status, body: { message: `echo ${GITHUB_A}` } });
      const error = await rejection(copilotRuntimeToken(GITHUB_A, options()));
      assert.ok(error instanceof CopilotAccessError, String(error));
      assert.equal(error.status, status);
      assert.match(error.message, /expired or been revoked, or its account has no Copilot access/);
      assert.ok(error.hint?.includes(COPILOT_LOGIN_COMMAND));
      assertNotIn([error.message, error.hint, error.stack], [GITHUB_A]);
    }
    assert.equal(existsSync(copilotTokenCachePath(stateDir)), false);
  });

  test("an unknown GitHub token gets 401 from the endpoint", async () => {
    const other = "ghp_" + "Z".repeat(36);
    const error = await rejection(copilotRuntimeToken(other, options()));
    assert.ok(error instanceof CopilotAccessError);
    assertNotIn([error.message, error.hint], [other]);
  });

  test("5xx, 429, an answer without a token, an unreachable host and a timeout are transient", async () => {
    const cases: [string, () => void, Partial<CopilotRuntimeOptions>][] = [
      ["HTTP 502", () => (fake.answer = () => ({ status: 502, body: "bad gateway" })), {}],
      ["HTTP 429", () => (fake.answer = () => ({ status: 429, body: {} })), {}],
      ["without a token", () => (fake.answer = () => ({ body: { expires_at: expiresAt } })), {}],
      ["without a token", () => (fake.answer = () => ({ body: { token: fakeCopilotToken(3) } })), {}],
      ["did not answer within 100 ms", () => (fake.answer = () => ({ delayMs: 1_000, body: { token: fakeCopilotToken(3), expires_at: expiresAt } })), { timeoutMs: 100 }],
      ["could not reach 127.0.0.1", () => {}, { tokenUrl: `http://127.0.0.1:${await closedPort()}/copilot_internal/v2/token` }],
    ];
    for (const [expected, arrange, extra] of cases) {
      arrange();
      const error = await rejection(copilotRuntimeToken(GITHUB_A, options(extra)));
      assert.ok(error instanceof CopilotTokenUnavailableError, `${expected}: ${String(error)}`);
      assert.ok(error.message.includes(expected), `${expected}: ${error.message}`);
      assertNotIn([error.message, error.hint], [GITHUB_A, fakeCopilotToken(3)]);
    }
    assert.equal(existsSync(copilotTokenCachePath(stateDir)), false);
  });

  test("the GitHub token goes only to https or a loopback host", async () => {
    const error = await rejection(copilotRuntimeToken(GITHUB_A, options({ tokenUrl: "http://example.com/copilot_internal/v2/token" })));
    assert.match(error.message, /must use https/);
    assert.equal(fake.requests.length, 0);
  });

  test("an empty GitHub token is refused without a request", async () => {
    assert.ok((await rejection(copilotRuntimeToken("  ", options()))) instanceof CopilotAccessError);
    assert.equal(fake.requests.length, 0);
  });
});

describe("one exchange for many callers", () => {
  test("20 concurrent callers share one exchange and one answer", async () => {
    fake.answer = (_request, n) => ({ delayMs: 150, body: { token: fakeCopilotToken(n), expires_at: expiresAt } });
    const results = await Promise.all(Array.from({ length: 20 }, () => copilotRuntimeToken(GITHUB_A, options())));
    assert.equal(fake.requests.length, 1);
    assert.ok(results.every((r) => r.token === fakeCopilotToken(1)));
  });

  test("a caller that gives up does not cancel the exchange for the others", async () => {
    fake.answer = (_request, n) => ({ delayMs: 200, body: { token: fakeCopilotToken(n), expires_at: expiresAt } });
    const controller = new AbortController();
    const quitter = copilotRuntimeToken(GITHUB_A, options({ signal: controller.signal }));
    const stayer = copilotRuntimeToken(GITHUB_A, options());
    controller.abort();
    await assert.rejects(quitter, { name: "AbortError" });
    assert.equal((await stayer).token, fakeCopilotToken(1));
    assert.equal(fake.requests.length, 1);
  });

  test("a failed exchange is shared too, and the next call tries again", async () => {
    fake.answer = () => ({ status: 503, delayMs: 100 });
    const failures = await Promise.allSettled(Array.from({ length: 5 }, () => copilotRuntimeToken(GITHUB_A, options())));
    assert.ok(failures.every((f) => f.status === "rejected" && f.reason instanceof CopilotTokenUnavailableError));
    assert.equal(fake.requests.length, 1);
    fake.answer = () => ({ body: { token: fakeCopilotToken(2), expires_at: expiresAt } });
    assert.equal((await copilotRuntimeToken(GITHUB_A, options())).token, fakeCopilotToken(2));
  });
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
