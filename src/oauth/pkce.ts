// PKCE (RFC 7636): a random verifier, its S256 challenge, and a random
// `state` that is generated separately (never the verifier, unlike pi-ai's
// Anthropic flow, so the verifier never travels through the browser).
import { createHash, randomBytes } from "node:crypto";

export interface Pkce {
  verifier: string;
  challenge: string;
  method: "S256";
  /** CSRF state for the authorize request; independent of the verifier. */
  state: string;
}

const VERIFIER_CHARS = /^[A-Za-z0-9\-._~]{43,128}$/;

/** base64url without padding, of `bytes` random bytes: 32 bytes (default) → 43 chars, 96 → 128. */
export function createVerifier(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 32 || bytes > 96) throw new RangeError("a PKCE verifier needs 32 to 96 random bytes (43 to 128 characters)");
  return randomBytes(bytes).toString("base64url");
}

export function isValidVerifier(verifier: string): boolean {
  return VERIFIER_CHARS.test(verifier);
}

export function challengeS256(verifier: string): string {
  if (!isValidVerifier(verifier)) throw new RangeError("a PKCE verifier is 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)");
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** 16 random bytes as hex (what Codex's own flow uses). */
export function createState(): string {
  return randomBytes(16).toString("hex");
}

export function createPkce(verifierBytes = 32): Pkce {
  const verifier = createVerifier(verifierBytes);
  return { verifier, challenge: challengeS256(verifier), method: "S256", state: createState() };
}
