// Hugging Face Inference Providers: `hf_…` tokens.
import type { ProviderDescriptor } from "./types.ts";

export const huggingface: ProviderDescriptor = {
  id: "huggingface",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["HUGGINGFACE_HUB_TOKEN", "HF_TOKEN"],
  catalog: [],
  secretShapes: { redact: ["hf_[A-Za-z0-9]{20,}"], prefixes: [] },
  setupHints: {},
};
