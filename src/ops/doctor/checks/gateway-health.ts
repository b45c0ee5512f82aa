// A running gateway's health: `GET /health` at the configured address, with a
// short timeout. Not running is information, not an error.
import { getGatewayHealth } from "../../gateway-health.ts";
import type { Check, Finding } from "../types.ts";

const GROUP = "Gateway";

export const gatewayHealthCheck: Check = {
  name: "gateway-health",
  async run(inputs) {
    if (!inputs.gateway) return [];
    const { url } = inputs.gateway;
    const probe = await getGatewayHealth(url);
    if (probe.kind === "down") {
      const text = probe.reason === "ECONNREFUSED" ? `Gateway not running (${url}).` : `Gateway not reachable at ${url}: ${probe.reason}.`;
      return [{ id: "gateway.not-running", group: GROUP, severity: "info", text, fix: "openclaw gateway" }];
    }
    let doc: { ok?: unknown; version?: unknown; problems?: unknown } | undefined;
    try {
      doc = JSON.parse(probe.body);
    } catch {
      doc = undefined;
    }
    if (probe.status !== 200 || doc === null || typeof doc !== "object" || typeof doc.ok !== "boolean") {
      return [{ id: "gateway.not-openclaw", group: GROUP, severity: "warn", text: `Something else answers at ${url} (GET /health: HTTP ${probe.status}); not an openclaw gateway.` }];
    }
    const findings: Finding[] = [];
    const version = typeof doc.version === "string" ? ` ${doc.version}` : "";
    if (doc.ok) findings.push({ id: "gateway.healthy", group: GROUP, severity: "info", text: `Gateway${version} running at ${url}: healthy.` });
    else {
      const problems = Array.isArray(doc.problems) ? doc.problems.map((p) => (typeof p === "string" ? p : typeof p === "object" && p && "message" in p ? String(p.message) : JSON.stringify(p))) : [];
      findings.push({
        id: "gateway.unhealthy",
        group: GROUP,
        severity: "error",
        text: `Gateway${version} running at ${url} reports problems: ${problems.join("; ") || "unknown"}.`,
        fix: "fix the files it names; the gateway serves the last good copy meanwhile",
      });
    }
    return findings;
  },
};
