// Preloaded by status-phases.mjs into `openclaw models status`: notes when the
// command first reads its bundle, its config and its auth store, when it writes
// its output and when it exits. A preload is no V8 flag, so the code cache still
// applies. Prints the marks as JSON on stderr at exit.
const fs = require("node:fs");
const { performance } = require("node:perf_hooks");

const marks = { start: performance.now() };
const FIRST_READS = { "models-status.cjs": "bundle", "openclaw.json": "config", "auth-profiles.json": "store" };
const { readFileSync, writeSync } = fs;
fs.readFileSync = function (path, ...rest) {
  const mark = typeof path === "string" ? Object.entries(FIRST_READS).find(([name]) => path.endsWith(name))?.[1] : undefined;
  if (mark && marks[mark] === undefined) marks[mark] = performance.now();
  return readFileSync.call(this, path, ...rest);
};
fs.writeSync = function (fd, ...rest) {
  if (fd === 1 && marks.write === undefined) marks.write = performance.now();
  return writeSync.call(this, fd, ...rest);
};
process.on("exit", () => {
  marks.exit = performance.now();
  writeSync.call(fs, 2, `${JSON.stringify(marks)}\n`);
});
