// A minimal OpenAI-compatible upstream for the gateway benchmark: answers at
// once with a small fixed completion, or a short SSE stream. Prints its port.
import { createServer } from "node:http";

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_764_000_000,
  model: "gpt-5.2",
  choices: [{ index: 0, message: { role: "assistant", content: "OK" }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});
const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_764_000_000, model: "gpt-5.2", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const stream = [chunk({ role: "assistant", content: "" }, null), chunk({ content: "OK" }, null), chunk({}, "stop"), "data: [DONE]\n\n"];

const server = createServer((req, res) => {
  const body = [];
  req.on("data", (c) => body.push(c));
  req.on("end", () => {
    const streaming = Buffer.concat(body).includes('"stream":true');
    if (!streaming) {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completion) });
      res.end(completion);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(stream[0]);
    // The rest a little later, as a real model would.
    setTimeout(() => res.end(stream.slice(1).join("")), 5);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
