// `openclaw gateway token`: the token a gateway started now would require
// (same sources, same order), because the config is JSON5 and `jq` cannot be
// relied on to read it.
//
// Secret policy (docs/gateway.md §1.1): the whole token goes only to a pipe or
// a file, so `TOKEN=$(openclaw gateway token)` works in scripts; a terminal
// gets it masked, like every other secret we show, and the line that gets it
// into a variable without it ever being on screen.
import { maskSecret } from "../../../auth/mask.ts";
import { configuredToken, describeTokenSource } from "../../../gateway/token.ts";
import { loadStateContext } from "../../../state/context.ts";
import { OpenClawError } from "../../../state/errors.ts";
import { printLine, type CliIO } from "../../io.ts";

export async function run(io: CliIO): Promise<number> {
  const ctx = await loadStateContext({
    env: io.env,
    cwd: io.cwd,
    // The token never comes from the login-shell import, so do not run the shell for it.
    shellEnvKeys: { triggerKeys: [], importKeys: [] },
    previousShellEnv: { enabled: false, appliedKeys: [] },
  });
  const token = configuredToken(ctx, undefined);
  const configDisplay = ctx.display(ctx.configPath);
  if (!token) {
    throw new OpenClawError("No gateway token is configured yet.", {
      hint: `The first \`openclaw gateway\` start generates one and stores it as gateway.auth.token in ${configDisplay}; or set your own there or in OPENCLAW_GATEWAY_TOKEN.`,
    });
  }
  if (!io.stdoutIsTTY) {
    // Deliberately not through printLine: the redactor would mask it, and the whole token is the point here.
    io.stdout.write(`${token.token}\n`);
    return 0;
  }
  printLine(io, `Gateway token: ${maskSecret(token.token)} (${describeTokenSource(token, configDisplay)})`);
  printLine(io, "Print it into a variable with: TOKEN=$(openclaw gateway token)");
  return 0;
}
