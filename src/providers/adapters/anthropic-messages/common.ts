// What both sides of the Anthropic Messages adapter share.
import type { HubProblem } from "../hub.ts";

export type Json = Record<string, unknown>;

export function problem(param: string, text: string): HubProblem {
  return { problem: `${param}: ${text}`, param };
}
