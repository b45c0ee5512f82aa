// GET /api/status: the `models status --json` document, from the same code,
// with the same additive `auth.backend` (which backend holds the credentials).
import { describeCredentialBackend, type BackendDescription } from "../auth/open-backend.ts";
import { buildStatusReport, type StatusReport } from "../ops/status-report.ts";
import type { GatewaySnapshot } from "./live-state.ts";

export function statusDocument(snapshot: GatewaySnapshot): StatusReport & { auth: { backend: BackendDescription } } {
  const report = buildStatusReport({ ctx: snapshot.ctx, agent: snapshot.agent, view: snapshot.view, explicitAgent: false, now: Date.now() });
  return { ...report, auth: { ...report.auth, backend: describeCredentialBackend(snapshot.ctx, snapshot.storeEra ?? "json") } };
}
