// How a secret may appear on screen (DESIGN §4.4): at most the first 8 and the
// last 8 characters, and never more than a quarter of a short secret.
// (OpenClaw prints secrets of 16 characters or fewer in full; we never do.)

export function maskSecret(secret: string | undefined): string {
  const value = secret?.trim() ?? "";
  if (!value) return "missing";
  const shown = Math.min(8, Math.floor(value.length / 8));
  if (shown === 0) return "…";
  return `${value.slice(0, shown)}...${value.slice(-shown)}`;
}
