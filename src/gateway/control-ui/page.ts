// GET / serves the Control UI (issue 9) without a token: the user types the token into it, and
// every API it calls (/api/*, /ws) wants the token. The page loads nothing but its own two
// files from this gateway; its Content-Security-Policy allows nothing else.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DispatchOutcome } from "../exchange.ts";
import { controlUiAssets } from "./assets.ts";

/** Same origin only: scripts, styles and connections (fetch, the WebSocket) to this gateway, and nothing inline. */
export const CONTROL_UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Served {
  body: Buffer;
  type: string;
  etag: string;
}

let files: Map<string, Served> | undefined;

function servedFiles(): Map<string, Served> {
  if (files) return files;
  const { html, css, js } = controlUiAssets();
  const entry = (text: string, type: string): Served => {
    const body = Buffer.from(text, "utf8");
    return { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
  };
  files = new Map([
    ["/", entry(html, "text/html; charset=utf-8")],
    ["/control-ui/style.css", entry(css, "text/css; charset=utf-8")],
    ["/control-ui/app.js", entry(js, "text/javascript; charset=utf-8")],
  ]);
  return files;
}

const COMMON_HEADERS = {
  "content-security-policy": CONTROL_UI_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  // Revalidated on every load (an ETag round trip), so a new gateway version shows at once.
  "cache-control": "no-cache",
};

/** The page, its files and the favicon (204, no body); undefined for any other request. */
export function serveControlUi(req: IncomingMessage, res: ServerResponse, path: string): DispatchOutcome | undefined {
  if (req.method !== "GET") return undefined;
  if (path === "/favicon.ico") {
    req.resume();
    res.writeHead(204, { "cache-control": "max-age=86400" }).end();
    return { status: 204 };
  }
  const file = servedFiles().get(path);
  if (!file) return undefined;
  req.resume();
  if (req.headers["if-none-match"] === file.etag) {
    res.writeHead(304, { ...COMMON_HEADERS, etag: file.etag }).end();
    return { status: 304 };
  }
  res.writeHead(200, { ...COMMON_HEADERS, "content-type": file.type, "content-length": file.body.length, etag: file.etag }).end(file.body);
  return { status: 200 };
}
