// Durations for --expires-in (spec §3.2): `<number>[ms|s|m|h|d]`, case-insensitive.
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

export function parseDurationMs(raw: string, defaultUnit: Unit = "d"): number {
  const text = raw.trim();
  if (!text) throw new Error("invalid duration (empty)");
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/i.exec(text);
  if (!match) throw new Error(`invalid duration: ${raw}`);
  const unit = (match[2]?.toLowerCase() ?? defaultUnit) as Unit;
  const ms = Number(match[1]) * UNIT_MS[unit];
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`invalid duration: ${raw}`);
  return Math.round(ms);
}
