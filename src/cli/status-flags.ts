// The flags of `openclaw models status`, declared once: program.ts builds the
// commander options from this table and entry.ts uses it to run the command
// without loading the command table at all (the hot path of monitoring scripts).
export interface FlagSpec {
  /** Commander's flag syntax, e.g. `--agent <id>`. */
  flags: string;
  /** Option property name. */
  key: "json" | "plain" | "check" | "agent";
  description: string;
}

export const STATUS_FLAGS: readonly FlagSpec[] = [
  { flags: "--json", key: "json", description: "print the status document as JSON" },
  { flags: "--plain", key: "plain", description: "print only the resolved default model" },
  { flags: "--check", key: "check", description: "exit 1 if a credential is expired or missing, 2 if one expires within 24h" },
  { flags: "--agent <id>", key: "agent", description: "act on this agent (default: the configured default agent)" },
];

export type StatusFlagValues = Partial<Record<"json" | "plain" | "check", boolean>> & { agent?: string };

/**
 * Parses `models status` arguments when they use only the flags above, each
 * at most once (`--agent x` or `--agent=x`). Anything else returns undefined
 * and the full command table handles it, errors and help included.
 */
export function parseStatusArgs(args: readonly string[]): StatusFlagValues | undefined {
  const values: StatusFlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const spec = STATUS_FLAGS.find((flag) => flag.flags.split(" ")[0] === name);
    if (!spec || values[spec.key] !== undefined) return undefined;
    if (spec.key === "agent") {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith("-")) return undefined;
      values.agent = value;
    } else {
      if (inline !== undefined) return undefined;
      values[spec.key] = true;
    }
  }
  return values;
}
