// Google Vertex AI: authenticates with gcloud application-default credentials, so no env key.
import type { ProviderDescriptor } from "./types.ts";

export const googleVertex: ProviderDescriptor = {
  id: "google-vertex",
  aliases: [],
  wireApi: "google-generative-ai",
  envKeys: [],
  statusChecksEnv: true,
  catalog: [],
  secretShapes: { redact: [], prefixes: [] },
  setupHints: {},
};
