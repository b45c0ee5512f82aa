// A fake OAuth token endpoint on 127.0.0.1 that rotates refresh tokens the way
// Anthropic's and OpenAI's do: each refresh token works once; a second use
// answers 400 `refresh_token_reused`, an unknown one `invalid_grant`.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NewTokens } from "../../src/auth/refresh/refresh.ts";

export interface TokenServer {
  url: string;
  /** Every refresh token received, in order. */
  received: string[];
  /** The refresh token that works now. */
  valid(): string;
  close(): Promise<void>;
}

export const accessToken = (n: number): string => `sk-ant-oat01-fake-access-${String(n).padStart(4, "0")}-${"a".repeat(24)}`;
export const refreshToken = (n: number): string => `sk-ant-ort01-fake-refresh-${String(n).padStart(4, "0")}-${"r".repeat(24)}`;

export async function startTokenServer(options: { delayMs?: number; firstValid?: string } = {}): Promise<TokenServer> {
  let generation = 0;
  let valid = options.firstValid ?? refreshToken(0);
  const used = new Set<string>();
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const { refresh_token: sent } = JSON.parse(body) as { refresh_token: string };
      received.push(sent);
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      setTimeout(() => {
        if (sent === valid) {
          used.add(sent);
          generation++;
          valid = refreshToken(generation);
          answer(200, { access_token: accessToken(generation), refresh_token: valid, expires_in: 3600 });
        } else answer(400, { error: used.has(sent) ? "refresh_token_reused" : "invalid_grant" });
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    received,
    valid: () => valid,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The injected refresh call of the tests: POST to the fake server; an OAuth error is thrown with its code. */
export async function postRefresh(url: string, refresh: string, signal?: AbortSignal): Promise<NewTokens> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify({ refresh_token: refresh }), ...(signal ? { signal } : {}) });
  const body = (await response.json()) as { access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
  if (!response.ok || !body.access_token) {
    // The way a careless engine would word it: with the refresh token in the message.
    throw Object.assign(new Error(`token endpoint said ${body.error ?? response.status} for ${refresh}`), { code: body.error });
  }
  return { access: body.access_token, refresh: body.refresh_token!, expires: Date.now() + (body.expires_in ?? 3600) * 1000 };
}
