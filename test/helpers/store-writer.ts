// A process that writes auth-profiles.json in a tight loop through the real
// file backend, so a test can SIGKILL it part-way through a write.
//
//   node --import tsx test/helpers/store-writer.ts <agentDir> <stateDir> <count>
//
// Prints `wrote <n>` after write n (profile `openai:w<n>`) has completed, i.e.
// after the atomic rename and the lock release: the store must hold it from
// then on, whatever happens to this process.
import { createFileBackend } from "../../src/auth/file-backend.ts";

const [agentDir, stateDir, countText] = process.argv.slice(2);
if (!agentDir || !stateDir) {
  process.stderr.write("usage: store-writer.ts <agentDir> <stateDir> [count]\n");
  process.exit(2);
}
const count = Number(countText ?? "1000");
const backend = createFileBackend({ stateDir, env: {}, agents: { defaultAgentId: "main", agentDir: () => agentDir } });

for (let n = 0; n < count; n++) {
  await backend.update("main", (store) => {
    store.profiles[`openai:w${n}`] = { type: "api_key", provider: "openai", key: `sk-writer-${n}-${"x".repeat(40)}` };
  });
  process.stdout.write(`wrote ${n}\n`);
}
