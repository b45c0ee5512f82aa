// One process asking for an OAuth refresh through the real file backend, for
// the cross-process tests of src/auth/refresh/.
//
//   node --import tsx test/helpers/oauth-refresh-worker.ts <stateDir> <profileId> <tokenUrl|hang> [force]
//
// `<tokenUrl>`: the token request goes to the fake token server on 127.0.0.1.
// `hang`: prints `refreshing` once inside the lock and never finishes (the test kills it).
// Prints one JSON line: {"outcome", "access"} or {"error", "name"}.
import { join } from "node:path";
import { createFileBackend } from "../../src/auth/file-backend.ts";
import { refreshCredential, type RefreshCall } from "../../src/auth/refresh/refresh.ts";
import { postRefresh } from "./oauth-token-server.ts";

const [stateDir, profileId, target, force] = process.argv.slice(2);
if (!stateDir || !profileId || !target) {
  process.stderr.write("usage: oauth-refresh-worker.ts <stateDir> <profileId> <tokenUrl|hang> [force]\n");
  process.exit(2);
}
const backend = createFileBackend({ stateDir, env: {}, agents: { defaultAgentId: "main", agentDir: (id) => join(stateDir, "agents", id, "agent") } });
const refresh: RefreshCall =
  target === "hang"
    ? () => {
        process.stdout.write("refreshing\n");
        return new Promise(() => setInterval(() => undefined, 1_000));
      }
    : (credential, signal) => postRefresh(target, credential.refresh ?? "", signal);
try {
  const result = await refreshCredential({ backend, agentId: "main", profileId, stateDir, refresh, force: force === "force" });
  process.stdout.write(JSON.stringify({ outcome: result.outcome, access: result.access }) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message, name: (error as Error).name }) + "\n");
} finally {
  backend.close();
}
