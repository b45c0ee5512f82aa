// The Control UI's files (index.html, style.css, app.js, next to this file). Under tsx (tests,
// development) they are read from here; the package build (scripts/build.mjs) replaces this
// module with one that holds them inline, so dist/ needs nothing beside it at run time.
import { readFileSync } from "node:fs";

export interface ControlUiAssets {
  html: string;
  css: string;
  js: string;
}

let assets: ControlUiAssets | undefined;

export function controlUiAssets(): ControlUiAssets {
  const read = (name: string) => readFileSync(new URL(name, import.meta.url), "utf8");
  return (assets ??= { html: read("index.html"), css: read("style.css"), js: read("app.js") });
}
