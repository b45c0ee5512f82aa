// How deep a request body may nest. JSON.parse accepts any depth, but
// JSON.stringify (forwarding the body upstream) overflows the stack a few
// thousand levels down, which would be a 500; real requests, tool schemas
// included, stay far below the limit.
export const MAX_NESTING = 100;

/** Whether `value` nests arrays and objects more than `levels` deep. */
export function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperThan(item, levels - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

/** The path to where nesting first goes past `levels`, cut to its first few keys. */
export function tooDeepAt(value: unknown, levels: number, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (levels === 0) return path;
  for (const [key, child] of Object.entries(value)) {
    const found = tooDeepAt(child, levels - 1, path.length < 4 ? [...path, Array.isArray(value) ? Number(key) : key] : path);
    if (found) return found;
  }
  return undefined;
}
