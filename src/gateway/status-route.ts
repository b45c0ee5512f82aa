// GET /api/status: the `models status --json` document, from the same code.
import { buildStatusReport, type StatusReport } from "../ops/status-report.ts";
import type { GatewaySnapshot } from "./live-state.ts";

export function statusDocument(snapshot: GatewaySnapshot): StatusReport {
  return buildStatusReport({ ctx: snapshot.ctx, agent: snapshot.agent, view: snapshot.view, explicitAgent: false, now: Date.now() });
}
