// Every secret this process loads is registered here; anything headed for a
// terminal, a log or an error body goes through `redactSecrets` first.
import { PROVIDER_DESCRIPTORS } from "../providers/descriptors/index.ts";
import { maskSecret } from "./mask.ts";

// One registry per process, even when several bundles each carry a copy of
// this module (the CLI loads one bundle per command).
interface Registry {
  known: Set<string>;
  /** `known`, longest first (so a secret containing another is masked whole); rebuilt on change. */
  ordered?: string[];
}
const registry: Registry = ((globalThis as Record<symbol, unknown>)[Symbol.for("openclaw.secret-registry")] ??= {
  known: new Set<string>(),
}) as Registry;

// Shapes of secrets we may not have loaded ourselves (pasted into an error,
// echoed by an upstream): each provider's from its descriptor, plus shapes that
// belong to no model provider: AWS access key ids and JWTs. Built on first use.
const OTHER_SECRET_SHAPES = ["AKIA[0-9A-Z]{16}", "eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}"];
let secretShapes: RegExp | undefined;

function secretShapesPattern(): RegExp {
  const shapes = [...PROVIDER_DESCRIPTORS.flatMap((descriptor) => descriptor.secretShapes.redact), ...OTHER_SECRET_SHAPES];
  return new RegExp(`\\b(?:${shapes.join("|")})`, "g");
}

/** Remembers a secret so that it is masked wherever it would be printed. Short values are ignored. */
export function registerSecret(secret: string | undefined): void {
  const value = secret?.trim();
  if (!value || value.length < 8 || registry.known.has(value)) return;
  registry.known.add(value);
  registry.ordered = undefined;
}

export function redactSecrets(text: string): string {
  // Plain substring search: cheaper than compiling an alternation of every
  // secret, and output rarely contains any (it is masked before printing).
  registry.ordered ??= [...registry.known].sort((a, b) => b.length - a.length);
  for (const secret of registry.ordered) {
    if (text.includes(secret)) text = text.split(secret).join(maskSecret(secret));
  }
  return text.replace((secretShapes ??= secretShapesPattern()), (match) => maskSecret(match));
}
