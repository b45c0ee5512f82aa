// A same-format body goes upstream byte for byte but for its top-level model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { OPENAI_SDK_REQUESTS } from "../../test/helpers/sdk-requests.ts";
import { withModel } from "./model-splice.ts";

function spliced(text: string, model = "gpt-5.2"): string | undefined {
  const bytes = Buffer.from(text, "utf8");
  return withModel(bytes, JSON.parse(text), model)?.toString("utf8");
}

test("only the top-level model value changes, whatever the spacing, order and escapes around it", () => {
  const cases: [string, string][] = [
    ['{"model":"openai/gpt-5.2","messages":[]}', '{"model":"gpt-5.2","messages":[]}'],
    ['{ "messages" : [ {"role":"user","content":"hi \\"model\\": x","model":"nested"} ] ,\n\t"model" :  "openai/gpt-5.2"  }', '{ "messages" : [ {"role":"user","content":"hi \\"model\\": x","model":"nested"} ] ,\n\t"model" :  "gpt-5.2"  }'],
    ['{"a":{"model":"x"},"model":"openai/gpt-5.2","z":"\\u00e9\\ud83d\\ude00 é 😀 \\\\"}', '{"a":{"model":"x"},"model":"gpt-5.2","z":"\\u00e9\\ud83d\\ude00 é 😀 \\\\"}'],
    ['{"mod\\u0065l":"openai/gpt-5.2","messages":[]}', '{"mod\\u0065l":"gpt-5.2","messages":[]}'],
    ['{"model":null,"messages":[]}', '{"model":"gpt-5.2","messages":[]}'],
    ['{"messages":[],"model":"openai/gpt-5.2"}', '{"messages":[],"model":"gpt-5.2"}'],
    ['{"messages":[],"model":{"x":[1,2,{"y":"}"}]}}', '{"messages":[],"model":"gpt-5.2"}'],
    ['{"messages":[], "max_tokens": 1e999, "model":"openai/gpt-5.2"}', '{"messages":[], "max_tokens": 1e999, "model":"gpt-5.2"}'],
    ['{"messages":[{"content":"\\\\"}],"model":"openai/gpt-5.2"}', '{"messages":[{"content":"\\\\"}],"model":"gpt-5.2"}'],
    ['{"model":"gpt-5.2","messages":[]}', '{"model":"gpt-5.2","messages":[]}'],
    // No model at all (the default): one is put first.
    ['{"messages":[]}', '{"model":"gpt-5.2","messages":[]}'],
    [' { \n }', ' {"model":"gpt-5.2" \n }'],
    ['{"messages":[],"models":"x","modelx":1}', '{"model":"gpt-5.2","messages":[],"models":"x","modelx":1}'],
  ];
  for (const [input, expected] of cases) {
    const out = spliced(input);
    assert.equal(out, expected, input);
    assert.deepEqual(JSON.parse(out!), { ...JSON.parse(input), model: "gpt-5.2" }, input);
  }
});

test("a model id that needs escaping is written as JSON", () => {
  assert.equal(spliced('{"model":"x/y"}', 'a"b\\c\u2028é'), `{"model":${JSON.stringify('a"b\\c\u2028é')}}`);
});

test("the same buffer comes back when the model is already right", () => {
  const bytes = Buffer.from('{"model":"gpt-5.2","messages":[]}');
  assert.equal(withModel(bytes, JSON.parse(bytes.toString()), "gpt-5.2"), bytes);
});

test("a second top-level model, or bytes that are not UTF-8, are left to the re-serialising path", () => {
  assert.equal(spliced('{"model":"a/b","messages":[],"model":"c/d"}'), undefined);
  assert.equal(spliced('{"model":"a/b","mod\\u0065l":"c/d"}'), undefined);
  const invalid = Buffer.concat([Buffer.from('{"model":"a/b","messages":[{"content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
  assert.equal(withModel(invalid, JSON.parse(invalid.toString("utf8")), "b"), undefined);
});

test("every SDK-shaped request, compact and pretty-printed, comes out as the parsed body with the new model", () => {
  for (const [name, body] of Object.entries(OPENAI_SDK_REQUESTS)) {
    for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2)]) {
      const out = spliced(text, "provider-model");
      assert.ok(out, name);
      assert.deepEqual(JSON.parse(out), { ...JSON.parse(text), model: "provider-model" }, name);
      assert.equal(out.length - text.length, JSON.stringify("provider-model").length - ("model" in body ? JSON.stringify((body as { model: unknown }).model).length : -'"model":,'.length), name);
    }
  }
});

test("random documents: the result always parses as the body with the new model, and differs from the input only there", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const space = () => pick(["", "", " ", "\n  ", "\t"]);
  const strings = ["model", "mod\\u0065l", "a\\\"b", "\\\\", "é😀", "\\ud83d\\ude00", "}", "]", ",", ":", "\\\"model\\\":"];
  const value = (depth: number): string => {
    const kind = depth > 3 ? pick(["s", "n", "l"]) : pick(["s", "n", "l", "o", "a", "o"]);
    if (kind === "s") return `"${pick(strings)}"`;
    if (kind === "n") return pick(["1", "-0.5e3", "1e999", "0"]);
    if (kind === "l") return pick(["true", "false", "null"]);
    const count = Math.floor(random() * 4);
    const items = Array.from({ length: count }, () => (kind === "a" ? value(depth + 1) : `"${pick(strings)}"${space()}:${space()}${value(depth + 1)}`));
    return kind === "a" ? `[${space()}${items.join(`${space()},${space()}`)}${space()}]` : `{${space()}${items.join(`${space()},${space()}`)}${space()}}`;
  };
  let checked = 0;
  for (let n = 0; n < 3000; n++) {
    const keys = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => `"k${i}"${space()}:${space()}${value(1)}`);
    const at = random() < 0.8 ? Math.floor(random() * (keys.length + 1)) : -1;
    if (at >= 0) keys.splice(at, 0, `"model"${space()}:${space()}`);
    const separators = keys.map(() => `${space()},${space()}`);
    const head = `${space()}{${space()}`;
    const before = head + keys.slice(0, Math.max(at, 0)).map((key, i) => key + separators[i]).join("");
    const oldModel = at >= 0 ? value(2) : "";
    if (at >= 0) keys[at] += oldModel;
    const text = `${head}${keys.map((key, i) => (i > 0 ? separators[i - 1] : "") + key).join("")}${space()}}${space()}`;
    const parsed = JSON.parse(text);
    const out = withModel(Buffer.from(text), parsed, "new/model");
    assert.ok(out, text);
    const result = out.toString();
    assert.deepEqual(JSON.parse(result), { ...parsed, model: "new/model" }, text);
    if (at < 0) assert.equal(result, `${head.slice(0, head.indexOf("{") + 1)}"model":"new/model",${text.slice(head.indexOf("{") + 1)}`, text);
    else {
      const modelKey = keys[at]!.slice(0, keys[at]!.length - oldModel.length);
      const prefix = before + modelKey;
      const suffix = text.slice(prefix.length + oldModel.length);
      assert.equal(result, `${prefix}"new/model"${suffix}`, text);
    }
    checked++;
  }
  assert.equal(checked, 3000);
});
