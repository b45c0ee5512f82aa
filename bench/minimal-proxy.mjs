// The reference point of DESIGN §5's gateway CPU budget: about the least a
// Node proxy in front of a model provider can do. node:http in, a constant-time
// token check (hashed, as the gateway does it), the request bytes forwarded
// unchanged with undici (a keep-alive pool like the gateway's), the answer
// relayed back: in one write when it is not a stream, chunk by chunk when it
// is. No parsing, no routing, no credentials to choose, no logs.
// Usage: node minimal-proxy.mjs <upstream origin> <token>; prints its URL.
import { createServer } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { Pool } from "undici";

const [upstreamOrigin, token] = process.argv.slice(2);
const digest = (value) => createHash("sha256").update(value).digest();
const expected = digest(token);
const pool = new Pool(upstreamOrigin, { connections: 64, keepAliveTimeout: 30_000 });

const server = createServer(async (req, res) => {
  const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
  if (!timingSafeEqual(expected, digest(presented))) {
    req.resume();
    res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    const upstream = await pool.request({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      body: Buffer.concat(chunks),
    });
    const contentType = upstream.headers["content-type"] ?? "application/json";
    if (!String(contentType).startsWith("text/event-stream")) {
      const body = Buffer.from(await upstream.body.arrayBuffer());
      res.writeHead(upstream.statusCode, { "content-type": contentType, "content-length": body.length }).end(body);
      return;
    }
    res.writeHead(upstream.statusCode, { "content-type": contentType, "cache-control": "no-cache" });
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: String(error) }));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => {
  server.close();
  void pool.close();
  server.closeAllConnections();
});
