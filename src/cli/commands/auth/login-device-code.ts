// RFC 8628 at the terminal: show where to go and the code to enter, then a
// countdown while the engine polls (one redrawn line on a terminal, an
// occasional plain line otherwise). Needs no TTY: nothing is typed here.
import { deviceCodeLogin, type DeviceAuthorization } from "../../../oauth/device-code.ts";
import type { OAuthProvider } from "../../../oauth/providers.ts";
import type { TokenSet } from "../../../oauth/token-client.ts";
import { printLine, type CliIO } from "../../io.ts";

/** How often a countdown line is printed when stdout is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 60_000;

export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function countdown(io: CliIO): { start(expiresAt: number): void; tick(remainingMs: number): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let lastPlain = -Infinity;
  const line = (remainingMs: number) => `Waiting for approval… ${formatRemaining(remainingMs)} left`;
  return {
    start(expiresAt) {
      if (!io.stdoutIsTTY) return;
      const draw = () => io.stdout.write(`\r\u001b[2K${line(expiresAt - io.now())}`);
      draw();
      timer = setInterval(draw, 1000);
      timer.unref();
    },
    tick(remainingMs) {
      if (io.stdoutIsTTY || io.now() - lastPlain < PLAIN_PROGRESS_EVERY_MS) return;
      lastPlain = io.now();
      printLine(io, line(remainingMs));
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      io.stdout.write("\r\u001b[2K");
    },
  };
}

export async function deviceLogin(io: CliIO, provider: OAuthProvider, signal: AbortSignal): Promise<TokenSet> {
  const progress = countdown(io);
  try {
    return await deviceCodeLogin(provider, {
      signal,
      now: io.now,
      onPrompt: (authorization: DeviceAuthorization) => {
        printLine(io, `Visit: ${authorization.verificationUri}`);
        printLine(io, `Code: ${authorization.userCode}`);
        if (authorization.verificationUriComplete) printLine(io, `Or open: ${authorization.verificationUriComplete}`);
        progress.start(authorization.expiresAt);
      },
      onWaiting: ({ remainingMs }) => progress.tick(remainingMs),
    });
  } finally {
    progress.stop();
  }
}
