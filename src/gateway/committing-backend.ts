// A credential backend that also tells its owner what every update committed:
// handed to code that writes through the backend on its own (OAuth refreshes),
// so the live state serves the result at once instead of waiting for a watch
// event (the backend does not report its own commits to its watchers).
import type { CredentialBackend } from "../auth/backend.ts";
import type { AuthStore } from "../auth/store-schema.ts";

export function committingBackend(backend: CredentialBackend, committed: (agentId: string, store: AuthStore) => void): CredentialBackend {
  return {
    era: backend.era,
    storePath: (agentId) => backend.storePath(agentId),
    read: (agentId) => backend.read(agentId),
    update: (agentId, change, options) =>
      backend.update(agentId, change, {
        onCommitted: (store) => {
          options?.onCommitted?.(store);
          committed(agentId, store);
        },
      }),
    watch: (agentId, onChange) => backend.watch(agentId, onChange),
    ...(backend.refreshLock ? { refreshLock: backend.refreshLock.bind(backend) } : {}),
    close: () => {}, // its owner closes the backend
  };
}
