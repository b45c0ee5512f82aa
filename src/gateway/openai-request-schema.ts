// The shape of an OpenAI chat-completions request (POST /v1/chat/completions)
// as far as the gateway and the OpenAI → Anthropic translator read it. Field
// types follow the `openai` SDK (v6, resources/chat/completions); every object
// is loose and every optional field may be null. Loaded only to explain a
// request the quick check (src/generated/schemas.ts) refused.
import * as z from "zod/mini";
import { optBool, optional, optNum, optStr, otherType, str } from "./request-schema-parts.ts";

const TextPart = z.looseObject({ type: z.literal("text"), text: str });
const ImagePart = z.looseObject({ type: z.literal("image_url"), image_url: z.looseObject({ url: str, detail: optStr }) });
const FilePart = z.looseObject({ type: z.literal("file"), file: z.looseObject({ file_data: optStr, file_id: optStr, filename: optStr }) });
const RefusalPart = z.looseObject({ type: z.literal("refusal"), refusal: str });
/** input_audio and parts yet to come: passed on, never read. */
const OtherPart = z.looseObject({ type: otherType(["text", "image_url", "file", "refusal"]) });
const ContentPart = z.union([TextPart, ImagePart, FilePart, RefusalPart, OtherPart]);

const ToolCall = z.looseObject({
  id: str,
  type: optStr,
  // Custom tool calls carry `custom` instead.
  function: optional(z.looseObject({ name: str, arguments: str })),
});

/** One shape for every role: roles we do not know (or that come later) still pass. */
const Message = z.looseObject({
  role: str,
  content: optional(z.union([str, z.array(ContentPart)])),
  name: optStr,
  tool_calls: optional(z.array(ToolCall)),
  tool_call_id: optStr,
  refusal: optStr,
});

const Tool = z.looseObject({
  type: str,
  function: optional(z.looseObject({ name: str, description: optStr, parameters: optional(z.record(str, z.unknown())), strict: optBool })),
});

const ToolChoice = z.union([
  str,
  z.looseObject({
    type: str,
    function: optional(z.looseObject({ name: str })),
    allowed_tools: optional(z.looseObject({ mode: optStr })),
  }),
]);

export const OpenAIChatRequestSchema = z.looseObject({
  // Its meaning (provider/model, alias, default) is checked when the request is dispatched.
  model: optStr,
  messages: z.array(Message),
  max_tokens: optNum,
  max_completion_tokens: optNum,
  temperature: optNum,
  top_p: optNum,
  stop: optional(z.union([str, z.array(str)])),
  stream: optBool,
  stream_options: optional(z.looseObject({ include_usage: optBool })),
  tools: optional(z.array(Tool)),
  tool_choice: optional(ToolChoice),
  parallel_tool_calls: optBool,
  user: optStr,
  safety_identifier: optStr,
});
