// A Responses client's tools as the hub's function tools, and back (issue 8:
// Codex CLI). The Responses API has three kinds of tool a client runs itself
// that other APIs do not:
//
// - custom (freeform) tools, such as Codex's `apply_patch`: the model writes
//   plain text, not JSON. To another API such a tool is a function taking that
//   text as its one string argument, `input`; the call comes back to the client
//   as a custom_tool_call whose `input` is that string.
// - namespace tools: function and custom tools grouped under a name (Codex's
//   sub-agent tools). To another API each is a function named
//   `<namespace>__<name>`; the call comes back as a function_call with
//   `namespace` and the tool's own name.
// - tool_search with `execution: "client"` (Codex's discovery of deferred MCP
//   tools): the hub has no way to hand a model new tools mid-answer, so it is
//   dropped, like the hosted web search (an offer the model may ignore, never
//   needed for the answer). Forcing either with tool_choice is a problem.
//
// The client side builds a ToolNames from the request body twice: parsing the
// request, and rendering the answer (renderResponse and streamEncoder see the body).
import type { HubProblem, HubTool } from "../hub.ts";
import { isObject, type Json } from "./common.ts";

/** The argument a freeform tool's text travels in, to APIs whose tools take JSON. */
export const FREEFORM_ARGUMENT = "input";
/** Between a namespace and a tool's name in the flat name other APIs see (letters, digits, _ and - are all most APIs allow). */
const NAMESPACE_SEPARATOR = "__";

/** Hosted tools that only offer the model something extra (OpenAI runs them), dropped towards other APIs. */
export const DROPPED_TOOL_TYPES = new Set(["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11", "tool_search"]);

export interface ClientTool {
  /** The tool's name as the client declared it. */
  name: string;
  namespace?: string;
  /** A freeform (custom) tool: its calls carry text, not JSON. */
  custom: boolean;
}

export function flatToolName(name: string, namespace: string | undefined): string {
  return namespace ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name;
}

/** The hub name of every tool the client declared → how the client knows it. */
export type ToolNames = Map<string, ClientTool>;

function freeformParameters(tool: Json): Json {
  const format = isObject(tool.format) ? tool.format : undefined;
  const grammar =
    format?.type === "grammar" && typeof format.definition === "string"
      ? ` It must follow this ${typeof format.syntax === "string" ? format.syntax : ""} grammar:\n${format.definition}`
      : "";
  return {
    type: "object",
    properties: { [FREEFORM_ARGUMENT]: { type: "string", description: `The tool's whole input, as plain text (not JSON).${grammar}` } },
    required: [FREEFORM_ARGUMENT],
    additionalProperties: false,
  };
}

function hubTool(tool: Json, namespace: string | undefined): HubTool {
  const custom = tool.type === "custom";
  return {
    name: flatToolName(tool.name as string, namespace),
    ...(typeof tool.description === "string" ? { description: tool.description } : {}),
    ...(custom ? { parameters: freeformParameters(tool) } : isObject(tool.parameters) ? { parameters: tool.parameters } : {}),
    ...(!custom && typeof tool.strict === "boolean" ? { strict: tool.strict } : {}),
  };
}

/** The client's tools as hub tools, the names it knows them by, or a problem naming the tool. */
export function parseClientTools(tools: unknown): { tools: HubTool[]; names: ToolNames } | HubProblem {
  const out: HubTool[] = [];
  const names: ToolNames = new Map();
  if (tools === undefined || tools === null) return { tools: out, names };
  if (!Array.isArray(tools)) return { problem: "tools must be a list", param: "tools" };
  const add = (tool: unknown, param: string, namespace?: string): HubProblem | undefined => {
    if (!isObject(tool) || (tool.type !== "function" && tool.type !== "custom")) {
      const type = isObject(tool) ? tool.type : undefined;
      return { problem: `tool type ${JSON.stringify(type)} is not supported: only function, custom and namespace tools are (hosted tools run on OpenAI's servers)`, param };
    }
    if (typeof tool.name !== "string" || !tool.name) return { problem: `a ${tool.type} tool needs a name`, param: `${param}.name` };
    const converted = hubTool(tool, namespace);
    if (names.has(converted.name)) return { problem: `two tools would be named ${JSON.stringify(converted.name)} for this model's API`, param: `${param}.name` };
    names.set(converted.name, { name: tool.name, ...(namespace ? { namespace } : {}), custom: tool.type === "custom" });
    out.push(converted);
    return undefined;
  };
  for (const [index, tool] of tools.entries()) {
    const param = `tools[${index}]`;
    if (isObject(tool) && typeof tool.type === "string" && DROPPED_TOOL_TYPES.has(tool.type)) continue;
    if (isObject(tool) && tool.type === "namespace") {
      if (typeof tool.name !== "string" || !tool.name) return { problem: "a namespace tool needs a name", param: `${param}.name` };
      if (!Array.isArray(tool.tools)) return { problem: "a namespace tool needs a list of tools", param: `${param}.tools` };
      for (const [inner, member] of tool.tools.entries()) {
        const problem = add(member, `${param}.tools[${inner}]`, tool.name);
        if (problem) return problem;
      }
      continue;
    }
    const problem = add(tool, param);
    if (problem) return problem;
  }
  return { tools: out, names };
}

/** The names of the client's tools, for rendering its answer; a body whose tools do not parse has none. */
export function clientToolNames(body: Json | undefined): ToolNames {
  const parsed = parseClientTools(body?.tools);
  return "names" in parsed ? parsed.names : new Map();
}

/** The freeform text a hub tool call for a custom tool carries: its `input` argument, or the raw text when the model wrote no JSON object. */
export function freeformInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isObject(parsed) && typeof parsed[FREEFORM_ARGUMENT] === "string") return parsed[FREEFORM_ARGUMENT];
  } catch {
    // not JSON: the model wrote the text itself
  }
  return args;
}

/** The output item for a hub tool call, in the client's terms: a custom_tool_call, or a function_call (with its namespace). */
export function toolCallItem(id: string, callId: string, hubName: string, args: string, status: string, names: ToolNames): Json {
  const tool = names.get(hubName);
  if (tool?.custom) return { id, type: "custom_tool_call", call_id: callId, name: tool.name, input: freeformInput(args), ...(tool.namespace ? { namespace: tool.namespace } : {}), status };
  return { id, type: "function_call", call_id: callId, name: tool?.name ?? hubName, arguments: args, ...(tool?.namespace ? { namespace: tool.namespace } : {}), status };
}
