// What is answered before a candidate's credentials are tried: n > 1 that only an
// OpenAI-format provider can serve, and count_tokens estimates.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import type { ProviderSpec } from "../providers/registry.ts";
import type { ChatRequest } from "./attempt-result.ts";
import { answerLocally } from "./candidate-fit.ts";
import { ClientAbort } from "./client-abort.ts";

const ANTHROPIC = { id: "anthropic", api: "anthropic-messages", baseUrl: "http://127.0.0.1:1" } as ProviderSpec;
const OPENAI = { id: "openai", api: "openai-completions", baseUrl: "http://127.0.0.1:1/v1" } as ProviderSpec;

function fakeResponse() {
  const sent: { status?: number; headers: Record<string, unknown>; body?: any } = { headers: {} };
  const res = {
    setHeader: (name: string, value: unknown) => (sent.headers[name] = value),
    writeHead: (status: number, headers: Record<string, unknown>) => {
      sent.status = status;
      Object.assign(sent.headers, headers);
    },
    end: (body: string) => (sent.body = JSON.parse(body)),
  };
  return { res: res as unknown as ServerResponse, sent };
}

const ref = (key: string) => ({ provider: key.slice(0, key.indexOf("/")), model: key.slice(key.indexOf("/") + 1) });

function request(format: ChatRequest["format"], body: Record<string, unknown>, countTokens = false): ChatRequest {
  return { format, api: format === "openai" ? "openai-completions" : "anthropic-messages", body, stream: false, hints: {}, signal: new ClientAbort(), ...(countTokens ? { countTokens } : {}) };
}

test("n > 1: a 400 naming n for the requested Anthropic-format model; a fallback is skipped; OpenAI-format passes", () => {
  const asked = request("openai", { model: "x", n: 2, messages: [] });
  const { res, sent } = fakeResponse();
  assert.deepEqual(answerLocally(asked, ANTHROPIC, ref("anthropic/claude-opus-4-6"), undefined, res), { kind: "answered", status: 400 });
  assert.equal(sent.status, 400);
  assert.equal(sent.body.error.param, "n");
  assert.equal(sent.body.error.type, "invalid_request_error");
  assert.deepEqual(answerLocally(asked, ANTHROPIC, ref("anthropic/claude-sonnet-4-6"), "openai/gpt-5.2", fakeResponse().res), { kind: "skip" });
  assert.deepEqual(answerLocally(asked, OPENAI, ref("openai/gpt-5.2"), undefined, fakeResponse().res), { kind: "attempt" });
  for (const n of [1, undefined, null, "2"]) {
    assert.deepEqual(answerLocally(request("openai", { n, messages: [] }), ANTHROPIC, ref("a/b"), undefined, fakeResponse().res), { kind: "attempt" }, String(n));
  }
  // An Anthropic client's body has no n; a stray one is not read.
  assert.deepEqual(answerLocally(request("anthropic", { n: 2, messages: [] }), OPENAI, ref("a/b"), undefined, fakeResponse().res), { kind: "attempt" });
});

test("count_tokens: estimated for an OpenAI-format model, attempted for an Anthropic-format one", () => {
  const counting = request("anthropic", { model: "x", messages: [{ role: "user", content: "abcd" }] }, true);
  const { res, sent } = fakeResponse();
  assert.deepEqual(answerLocally(counting, OPENAI, ref("openai/gpt-5.2"), "anthropic/claude-opus-4-6", res), { kind: "answered", status: 200, note: "token count estimated" });
  assert.deepEqual(sent.body, { input_tokens: 1 + 3 + 3 });
  assert.equal(sent.headers["x-openclaw-token-count"], "estimate");
  assert.equal(sent.headers["x-openclaw-model"], "openai/gpt-5.2");
  assert.equal(sent.headers["x-openclaw-fallback"], "anthropic/claude-opus-4-6");
  assert.deepEqual(answerLocally(counting, ANTHROPIC, ref("anthropic/claude-opus-4-6"), undefined, fakeResponse().res), { kind: "attempt" });
});
