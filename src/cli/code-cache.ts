// V8 code cache for the command bundle monitoring runs every few minutes
// (`models status`). Compiling that bundle, and then each function as it first
// runs, is ~5 ms of a ~38 ms process; with the bytecode V8 saved at build time
// it is well under 1 ms (bench/RESULTS.md). Node 22's module.enableCompileCache
// does this for every module, but we support Node 20, so the entry compiles
// this one bundle itself with vm.Script.
//
// The cache is never written at run time (`models status` reads files and
// nothing else): scripts/build.mjs makes it after warming the bundle up on a
// bench-like state, beside the bundle in dist/, which every build wipes. V8
// checks its own version and flags but only the *length* of the source, so the
// file carries a copy of the bundle it was made from and is used only if that
// copy matches the bundle byte for byte. Anything else (no cache, another
// build's, a different Node) falls back to compiling as usual.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

const MAGIC = Buffer.from("openclaw code cache 1\n");
const LENGTH_BYTES = 4;

export const codeCachePath = (bundle: string): string => bundle.replace(/\.cjs$/, ".v8cache");

/** Node's own CommonJS wrapper, so the bundle sees exactly what require() would give it. */
function compile(bundle: string, source: Buffer, cachedData?: Buffer): Script {
  const code = `(function (exports, require, module, __filename, __dirname) { ${source.toString("utf8")}\n});`;
  return new Script(code, cachedData ? { filename: bundle, cachedData } : { filename: bundle });
}

function run(script: Script, bundle: string): unknown {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return module.exports;
}

/** The bundle compiled with its cache; undefined when there is no cache made from these exact bytes. */
export function compileWithCodeCache(bundle: string): Script | undefined {
  let source: Buffer;
  let cache: Buffer;
  try {
    source = readFileSync(bundle);
    cache = readFileSync(codeCachePath(bundle));
  } catch {
    return undefined;
  }
  const start = MAGIC.length + LENGTH_BYTES;
  if (cache.length < start || !cache.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = cache.readUInt32LE(MAGIC.length);
  if (length !== source.length || !cache.subarray(start, start + length).equals(source)) return undefined;
  // V8 may still refuse the data (another Node version, other V8 flags): then
  // this compiles from source, as require() would have.
  return compile(bundle, source, cache.subarray(start + length));
}

/** require(bundle), using the build's code cache when there is a valid one. Only for bundles made without import() (see build.mjs). */
export function requireWithCodeCache(bundle: string): unknown {
  const script = compileWithCodeCache(bundle);
  return script ? run(script, bundle) : createRequire(bundle)(bundle);
}

/** Build time: loads the bundle, lets `warmUp` run the code worth caching, and saves the cache beside it. */
export async function writeCodeCache(bundle: string, warmUp: (exports: unknown) => Promise<void>): Promise<number> {
  const source = readFileSync(bundle);
  const script = compile(bundle, source);
  await warmUp(run(script, bundle));
  // After the warm-up, the data holds every function that ran, not only the top level.
  const data = script.createCachedData();
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(source.length);
  writeFileSync(codeCachePath(bundle), Buffer.concat([MAGIC, length, source, data]));
  return data.length;
}
