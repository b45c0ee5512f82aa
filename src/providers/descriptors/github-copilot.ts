// GitHub Copilot: GitHub tokens (`ghp_…`, `gho_…`, …) from a login or the
// environment, exchanged at use time for a Copilot token (gateway/copilot-access.ts),
// whose `proxy-ep` names the API host; this base URL is the default when it names none.
import type { ProviderDescriptor } from "./types.ts";

export const githubCopilot: ProviderDescriptor = {
  id: "github-copilot",
  aliases: [],
  wireApi: "openai-completions",
  defaultBaseUrl: "https://api.individual.githubcopilot.com",
  envKeys: ["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"],
  statusChecksEnv: true,
  catalog: [
    { id: "gpt-4.1", name: "GPT-4.1 (Copilot)", input: ["text", "image"], contextWindow: 128_000 },
    { id: "gpt-5-mini", name: "GPT-5 mini (Copilot)", input: ["text", "image"], contextWindow: 128_000 },
  ],
  secretShapes: { redact: ["gh[pousr]_[A-Za-z0-9]{20,}"], prefixes: [] },
  setupHints: {},
};
