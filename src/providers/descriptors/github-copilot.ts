// GitHub Copilot: GitHub tokens (`ghp_…`, `gho_…`, …) from the environment.
import type { ProviderDescriptor } from "./types.ts";

export const githubCopilot: ProviderDescriptor = {
  id: "github-copilot",
  aliases: [],
  wireApi: "openai-completions",
  envKeys: ["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"],
  statusChecksEnv: true,
  catalog: [],
  secretShapes: { redact: ["gh[pousr]_[A-Za-z0-9]{20,}"], prefixes: [] },
  setupHints: {},
};
