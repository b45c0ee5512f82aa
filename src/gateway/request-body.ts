// Reading a request body with a size limit: a client that sends too much gets
// a 413 before the gateway has buffered it all.
import type { IncomingMessage } from "node:http";

/** `bytes`: the body as the client sent it (a same-format request is forwarded as these bytes). */
export type BodyResult = { ok: true; value: unknown; bytes: Buffer } | { ok: false; status: 400 | 413; message: string };

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return { ok: false, status: 413, message: `Request body is ${declared} bytes; the limit is ${limitBytes}.` };
  }
  const bytes = await new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limitBytes ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
  if (bytes === undefined) return { ok: false, status: 413, message: `Request body is over the limit of ${limitBytes} bytes.` };
  const text = bytes.toString("utf8");
  if (!text.trim()) return { ok: false, status: 400, message: "Request body is empty; expected a JSON object." };
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, status: 400, message: "Request body must be a JSON object." };
    return { ok: true, value, bytes };
  } catch {
    return { ok: false, status: 400, message: "Request body is not valid JSON." };
  }
}
