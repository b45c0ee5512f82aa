// Runs a TypeScript worker script as its own OS process (the refresh tests'
// "other process"), without NODE_EXTRA_CA_CERTS; `onLine` sees each stdout
// line and may kill the worker mid-way (SIGKILL, as a crash would). Resolves
// with the last JSON line it printed, how it ended, and everything it said.
import { spawn } from "node:child_process";
import { ROOT } from "./cli.ts";

export interface WorkerRun<T> {
  answer: T | undefined;
  signal: NodeJS.Signals | null;
  output: string;
}

export function runWorkerProcess<T>(script: string, args: string[], onLine?: (line: string, kill: () => void) => void): Promise<WorkerRun<T>> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const line of chunk.toString().split("\n")) if (line) onLine?.(line, () => child.kill("SIGKILL"));
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const last = out.trim().split("\n").filter((line) => line.startsWith("{")).pop();
      if (code !== 0 && signal === null) reject(new Error(`worker exited ${code}: ${err}`));
      else resolve({ answer: last ? (JSON.parse(last) as T) : undefined, signal, output: out + err });
    });
  });
}
