// A fake GitHub Copilot token exchange (`GET /copilot_internal/v2/token`) on
// 127.0.0.1: it answers `{token, expires_at}` for the GitHub tokens it knows
// and 401 for others, and records what each request sent.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CopilotExchangeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeCopilotAnswer {
  status?: number;
  body?: unknown;
  /** Answer after this long (a slow endpoint; timeouts). */
  delayMs?: number;
}

export interface FakeCopilotServer {
  /** The exchange URL to pass as `tokenUrl`. */
  url: string;
  requests: CopilotExchangeRequest[];
  /** What the next requests get; by default a token for a known GitHub token, 401 otherwise. */
  answer: (request: CopilotExchangeRequest, n: number) => FakeCopilotAnswer;
  close(): Promise<void>;
}

/** A Copilot token the way GitHub shapes them: `;`-separated fields, `proxy-ep` among them. */
export const fakeCopilotToken = (n: number, proxyEp = "proxy.individual.githubcopilot.com"): string =>
  `tid=fake${String(n).padStart(4, "0")}${"c".repeat(24)};exp=1795620000;sku=free_limited_copilot;proxy-ep=${proxyEp};8kp=1:${"f".repeat(32)}`;

export async function startFakeCopilotExchange(options: { githubTokens: string[]; expiresAt: () => number }): Promise<FakeCopilotServer> {
  const known = new Set(options.githubTokens.map((t) => `Bearer ${t}`));
  const fake: FakeCopilotServer = {
    url: "",
    requests: [],
    answer: (request, n) =>
      known.has(String(request.headers.authorization)) ? { body: { token: fakeCopilotToken(n), expires_at: options.expiresAt(), refresh_in: 1500 } } : { status: 401, body: { message: "Bad credentials" } },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive; do not wait for them
      }),
  };
  const server: Server = createServer((req, res) => {
    const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers };
    fake.requests.push(request);
    const { status = 200, body, delayMs = 0 } = fake.answer(request, fake.requests.length);
    setTimeout(() => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body ?? {}));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/copilot_internal/v2/token`;
  return fake;
}
