// `~/.openclaw/.env`, the file the daemon reads keys from (spec §3.5, OpenClaw's
// upsertSharedEnvVar): one `NAME=value` line is rewritten or appended; every
// other line (comments, other keys, blank lines) stays as it was. Written
// atomically, 0600, in a 0700 directory, under the file's lock.
import { join } from "node:path";
import { resolveDotenvDir, type Env } from "../../../state/paths.ts";
import { ensureDir, readTextIfExists, writeFileAtomic } from "../../../state/safe-file.ts";
import { withFileLock } from "../../../state/file-lock.ts";

export function dotenvPath(env: Env): string {
  return join(resolveDotenvDir(env), ".env");
}

/**
 * Quotes a value only when dotenv would otherwise read it differently. dotenv
 * takes single- and back-quoted values literally (double quotes expand `\n`).
 */
function formatValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+,=-]*$/.test(value)) return value;
  if (/[\r\n]/.test(value)) throw new Error("A value for .env cannot span lines.");
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes("`")) return `\`${value}\``;
  throw new Error("A value with both ' and ` cannot be written to .env.");
}

/** The file's text with `name` set to `value`: its own line replaced (all of them, if repeated), else appended. */
export function upsertDotenvText(text: string, name: string, value: string): string {
  const line = `${name}=${formatValue(value)}`;
  const pattern = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`);
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  let replaced = false;
  const out: string[] = [];
  for (const current of lines) {
    if (!pattern.test(current)) out.push(current);
    else if (!replaced) {
      out.push(line);
      replaced = true;
    }
  }
  if (!replaced) out.push(line);
  return out.join("\n") + "\n";
}

/** Sets `name=value` in `<state>/.env`; returns the file's path. */
export async function upsertDotenvVar(env: Env, name: string, value: string): Promise<string> {
  const path = dotenvPath(env);
  await ensureDir(resolveDotenvDir(env));
  await withFileLock(path, async () => {
    const text = (await readTextIfExists(path)) ?? "";
    await writeFileAtomic(path, upsertDotenvText(text, name, value), {
      // What dotenv reads back must hold the value just written.
      verify: (written) => {
        if (!written.includes(`${name}=`)) throw new Error(`${name} is missing from the written .env`);
      },
    });
  });
  return path;
}
