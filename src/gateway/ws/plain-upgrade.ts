// Node hands every request with an `Upgrade` header to the server's `upgrade`
// listeners once there is one (for GET /ws), not only WebSocket handshakes: an
// ordinary request that merely offers another protocol (`curl --http2` sends
// `Upgrade: h2c` with every plain-http request) would no longer be served.
// Such a request is given back to the HTTP server as a new parse of the same
// bytes without the upgrade offer, which HTTP allows a server to ignore.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === "GET" && /^websocket$/i.test((req.headers.upgrade ?? "").trim());
}

/** Serves `req` as the plain HTTP/1.1 request it also is (the offer to upgrade declined). */
export function serveWithoutUpgrade(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === "upgrade" || name === "http2-settings") continue;
    if (name === "connection") {
      const tokens = raw[i + 1]!.split(",").map((token) => token.trim()).filter((token) => token && !/^(upgrade|http2-settings)$/i.test(token));
      if (tokens.length > 0) lines.push(`${raw[i]}: ${tokens.join(", ")}`);
      continue;
    }
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), head]));
  server.emit("connection", socket);
}
