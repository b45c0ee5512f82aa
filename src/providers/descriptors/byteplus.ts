// BytePlus ModelArk.
import type { ProviderDescriptor } from "./types.ts";

export const byteplus: ProviderDescriptor = {
  id: "byteplus",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["BYTEPLUS_API_KEY"],
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};
