#!/usr/bin/env node
// Bundles the CLI with esbuild for a fast cold start (DESIGN §5):
// - dist/openclaw.cjs: a tiny entry that answers --help/--version itself;
// - dist/program.cjs: the command table (commander);
// - dist/modules/<group>-<name>.cjs: one self-contained bundle per command,
//   loaded on demand, so a command parses its own code and nothing else;
// - dist/modules/models-status.v8cache: V8's bytecode for the status bundle
//   (src/cli/code-cache.ts), made here after a warm-up run.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, readdirSync, rmSync, writeFileSync, chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const outdir = join(root, "dist");
const entryFile = join(outdir, "openclaw.cjs");

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

if (process.argv.includes("--if-stale")) {
  try {
    const built = statSync(entryFile).mtimeMs;
    const inputs = [...filesUnder(src), join(root, "package-lock.json"), fileURLToPath(import.meta.url)];
    if (inputs.every((file) => statSync(file).mtimeMs < built)) process.exit(0);
  } catch {
    // no build yet: build now
  }
}

// Built-in modules that cost start-up time but are used only on rare paths get
// a stand-in that loads the real module on first use:
// - commander loads child_process (and with it net, dgram and the stream stack)
//   at start-up only to run external subcommands, which we never use;
// - node:fs/promises (~1.5 ms: it loads readline for FileHandle.readLines) is
//   used by our write paths only, never by `models status`.
const LAZY_BUILTINS = [
  { module: "node:child_process", importer: `${"node_modules"}/commander/` },
  { module: "node:fs/promises", importer: `${src}/` },
];
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      LAZY_BUILTINS.some((lazy) => lazy.module === args.path && args.importer.includes(lazy.importer)) ? { path: args.path, namespace: "openclaw-lazy" } : undefined,
    );
    // The exports are found through the prototype, so esbuild's __toESM (which
    // copies own properties and asks for __esModule) does not load the module.
    b.onLoad({ filter: /.*/, namespace: "openclaw-lazy" }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = Object.create(new Proxy({}, {
  get: (_t, key) => (key === "__esModule" ? undefined : load()[key]),
  has: (_t, key) => key in load(),
}));`,
      loader: "js",
    }));
  },
};

// Bundles that load each other at run time instead of including each other.
// Commands become dist/modules/<group>-<name>.js; the zod schemas, needed only
// to explain an invalid file, become dist/modules/<name>-schema.js and are
// imported dynamically by the command bundles in the same directory.
// Modules a command loads only on a rare path: the zod schemas (to explain an
// invalid file or a malformed gateway request) and the probe (models status --probe).
// The SQLite backend (and better-sqlite3's native binding) is loaded only for an OpenClaw 2026.9 state dir.
// The gateway's WebSocket (and the ws package) is loaded on the first upgrade to GET /ws.
// The Redis backend (and the redis client, bundled into it) is loaded only when a state URL is set;
// the gateway's Redis session store comes with it (one connection pool per process).
const LAZY_MODULES = ["state/config-schema.ts", "auth/store-schema.ts", "gateway/openai-request-schema.ts", "gateway/anthropic-request-schema.ts", "ops/probe.ts", "auth/sqlite-backend.ts", "auth/redis-backend.ts", "gateway/ws/chat-sockets.ts"];
const moduleName = (path) => path.replace(/^\.\/commands\//, "").replace(/\.ts$/, "").replaceAll("/", "-");
const loadModulesAtRunTime = {
  name: "load-modules-at-run-time",
  setup(b) {
    b.onResolve({ filter: /^\.\/(program|commands\/.*)\.ts$/ }, (args) => {
      if (dirname(args.importer) !== join(src, "cli")) return undefined;
      const target = args.path === "./program.ts" ? "./program.cjs" : `./modules/${moduleName(args.path)}.cjs`;
      return { path: target, external: true };
    });
    b.onResolve({ filter: /(-schema|\/probe|\/sqlite-backend|\/redis-backend|\/chat-sockets)\.ts$/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      if (dirname(args.importer) === join(src, "cli")) throw new Error(`${args.importer}: lazy modules load from dist/modules/ only`);
      return { path: `./${args.path.split("/").pop().replace(/\.ts$/, ".cjs")}`, external: true };
    });
  },
};

// The bundle the entry compiles with a V8 code cache (src/cli/code-cache.ts):
// the one monitoring runs every few minutes.
const CODE_CACHED = "modules/models-status";
const ES_ONLY_PACKAGES = ["@clack/prompts"];
const refuseEsOnlyPackages = {
  name: "refuse-es-only-packages",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (ES_ONLY_PACKAGES.includes(args.path)) throw new Error(`${args.importer} loads ${args.path}, an ES module, from a code-cached bundle (it is compiled by vm.Script, see below)`);
      return undefined;
    });
  },
};

// The Control UI's page, style sheet and script (src/gateway/control-ui/) are part of the bundle:
// its assets module, which reads them from disk under tsx, becomes one that holds them inline.
const CONTROL_UI_DIR = join(src, "gateway", "control-ui");
const inlineControlUi = {
  name: "inline-control-ui",
  setup(b) {
    b.onLoad({ filter: /[\\/]control-ui[\\/]assets\.ts$/ }, () => {
      const read = (name) => JSON.stringify(readFileSync(join(CONTROL_UI_DIR, name), "utf8"));
      return {
        contents: `const assets = { html: ${read("index.html")}, css: ${read("style.css")}, js: ${read("app.js")} };
export function controlUiAssets() { return assets; }`,
        loader: "js",
        watchFiles: ["index.html", "style.css", "app.js"].map((name) => join(CONTROL_UI_DIR, name)),
      };
    });
  },
};

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// The command modules are exactly those the command table and the entry load.
const commandEntries = [
  ...new Set(
    ["program.ts", "entry.ts"].flatMap((name) =>
      [...readFileSync(join(src, "cli", name), "utf8").matchAll(/import\("\.\/(commands\/[^"]+\.ts)"\)/g)].map((m) => join(src, "cli", m[1])),
    ),
  ),
];
const shared = {
  bundle: true,
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  define: { __OPENCLAW_VERSION__: JSON.stringify(pkg.version) },
  // Loaded from node_modules only by the code paths that need them (a JSON5
  // config, a write, a prompt), so they never weigh on `models status`.
  // ws: only GET /ws and `openclaw chat` use it.
  external: ["json5", "proper-lockfile", "@clack/prompts", "better-sqlite3", "ws"],
  plugins: [lazyBuiltins, loadModulesAtRunTime, inlineControlUi],
  logLevel: "warning",
};
rmSync(outdir, { recursive: true, force: true });
// Everything is CommonJS: Node starts it sooner than ES modules, and the hot
// path (entry → command bundle) then never starts the ES module loader.
// The command bundles keep `import()` for what they load lazily (@clack/prompts
// is ES-only); the entry and the command table load command bundles with
// require(), which is synchronous and cheaper.
const { [CODE_CACHED]: cachedBundle, ...commandBundles } = Object.fromEntries(
  commandEntries.map((file) => [`modules/${moduleName("./" + relative(join(src, "cli"), file))}`, file]),
);
await build({
  ...shared,
  entryPoints: {
    ...commandBundles,
    ...Object.fromEntries(LAZY_MODULES.map((file) => [`modules/${file.split("/").pop().replace(/\.ts$/, "")}`, join(src, file)])),
  },
  outdir,
});
// The code-cached bundle is compiled by vm.Script, which has no loader for
// import() on Node 20 without an experimental flag, so its lazy loads become
// require(): fine for the CommonJS packages and bundles it loads, fatal for an
// ES-only package, which the build therefore refuses.
await build({
  ...shared,
  entryPoints: { [CODE_CACHED]: cachedBundle },
  outdir,
  supported: { "dynamic-import": false },
  plugins: [...shared.plugins, refuseEsOnlyPackages],
});
await build({
  ...shared,
  entryPoints: { openclaw: join(src, "cli", "entry.ts"), program: join(src, "cli", "program.ts") },
  outdir,
  supported: { "dynamic-import": false },
});
chmodSync(entryFile, 0o755);
// The root help, written by the command table itself, for entry.ts's fast path.
const help = execFileSync(process.execPath, [entryFile, "--help"], { encoding: "utf8", env: { ...process.env, COLUMNS: "80" } });
writeFileSync(join(outdir, "root-help.txt"), help);

// The code cache: bytecode V8 made while `models status` ran on a state like
// the benchmark's (50 profiles of every kind, cooldowns, a .env) in each output
// mode. It is made by a clean child process (no NODE_OPTIONS: V8 accepts a
// cache only under the flags it was made with) with this Node; under another
// Node V8 refuses it and the bundle compiles as usual.
const { writeBenchState } = await import("../bench/fixture.mjs");
const warmHome = mkdtempSync(join(tmpdir(), "openclaw-build-"));
try {
  writeBenchState(warmHome, { profiles: 50 });
  const maker = await build({
    stdin: {
      contents: `
        import { writeCodeCache } from "./code-cache.ts";
        const warmUp = async (status) => { for (const options of [{ check: true }, { json: true }, { plain: true }, {}]) await status.runInProcess(options); };
        void writeCodeCache(process.env.OPENCLAW_CODE_CACHED, warmUp);`,
      resolveDir: join(src, "cli"),
      loader: "ts",
    },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "warning",
  });
  execFileSync(process.execPath, ["-e", maker.outputFiles[0].text], {
    cwd: warmHome,
    stdio: ["ignore", "ignore", "inherit"],
    env: { PATH: process.env.PATH, HOME: warmHome, NO_COLOR: "1", OPENCLAW_CODE_CACHED: join(outdir, `${CODE_CACHED}.cjs`) },
  });
} finally {
  rmSync(warmHome, { recursive: true, force: true });
}
