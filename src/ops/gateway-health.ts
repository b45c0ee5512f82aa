// `GET /health` of a gateway, with a short timeout, for the commands that ask
// whether one is running (`openclaw doctor`, `openclaw gateway status`). Never throws.
import { request } from "node:http";

export const HEALTH_TIMEOUT_MS = 1_500;

/** Nothing answered (`reason`: an error code such as ECONNREFUSED, or why), or the answer (body capped at 64 KB). */
export type HealthProbe = { kind: "down"; reason: string } | { kind: "answer"; status: number; body: string };

export function getGatewayHealth(url: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthProbe> {
  return new Promise((resolve) => {
    const req = request(new URL("/health", url), { method: "GET", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < 64_000) body += chunk;
      });
      res.on("end", () => resolve({ kind: "answer", status: res.statusCode ?? 0, body }));
      res.on("error", (error) => resolve({ kind: "down", reason: error.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ kind: "down", reason: error.code ?? error.message }));
    req.end();
  });
}
