// The build stamps the package version in; tests that run the sources see "dev".
declare const __OPENCLAW_VERSION__: string | undefined;

export const VERSION: string = typeof __OPENCLAW_VERSION__ === "string" ? __OPENCLAW_VERSION__ : "0.0.0-dev";
