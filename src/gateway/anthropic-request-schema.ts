// The shape of an Anthropic messages request (POST /v1/messages) as far as the
// gateway and the Anthropic → OpenAI translator read it. Field types follow
// `@anthropic-ai/sdk` (v1, resources/messages); every object is loose and every
// optional field may be null. Loaded only to explain a request the quick check
// (src/generated/schemas.ts) refused.
import * as z from "zod/mini";
import { optBool, optional, optNum, optStr, otherType, str } from "./request-schema-parts.ts";

const TextBlock = z.looseObject({ type: z.literal("text"), text: str });
/** base64 / url / file sources; only the fields the translator reads are typed. */
const Source = z.looseObject({ type: str, media_type: optStr, data: optStr, url: optStr });
const ImageBlock = z.looseObject({ type: z.literal("image"), source: Source });
// A "content" source carries `content` instead of `data`.
const DocumentBlock = z.looseObject({ type: z.literal("document"), source: Source, title: optStr });
/** What a tool result may hold: text, images, documents, and kinds passed on unread (search results, …). */
const ToolResultPart = z.union([TextBlock, ImageBlock, DocumentBlock, z.looseObject({ type: otherType(["text", "image", "document"]) })]);
const ToolUseBlock = z.looseObject({ type: z.literal("tool_use"), id: str, name: str });
const ToolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: str,
  content: optional(z.union([str, z.array(ToolResultPart)])),
  is_error: optBool,
});
/** thinking, redacted_thinking, server tools and their results, kinds yet to come: passed on, never read. */
const OtherBlock = z.looseObject({ type: otherType(["text", "image", "document", "tool_use", "tool_result"]) });
const ContentBlock = z.union([TextBlock, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock, OtherBlock]);

const Message = z.looseObject({ role: str, content: z.union([str, z.array(ContentBlock)]) });

/** Client tools have a name and an input_schema; server tools a versioned type, and toolsets no name at all. */
const Tool = z.looseObject({ name: optStr, type: optStr, description: optStr, input_schema: optional(z.record(str, z.unknown())) });

export const AnthropicMessagesRequestSchema = z.looseObject({
  // Its meaning (provider/model, alias, default) is checked when the request is dispatched.
  model: optStr,
  max_tokens: optNum,
  messages: z.array(Message),
  system: optional(z.union([str, z.array(ContentBlock)])),
  temperature: optNum,
  top_p: optNum,
  top_k: optNum,
  stop_sequences: optional(z.array(str)),
  stream: optBool,
  tools: optional(z.array(Tool)),
  tool_choice: optional(z.looseObject({ type: str, name: optStr, disable_parallel_tool_use: optBool })),
  metadata: optional(z.looseObject({ user_id: optStr })),
});
