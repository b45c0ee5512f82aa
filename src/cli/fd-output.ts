// Printing without `process.stdout`. That getter builds a Node stream, which
// loads the stream stack (and `net` for a pipe): ~2.5 ms, a tenth of a whole
// `node -e 0` here, paid by every command that prints a line (bench/RESULTS.md).
// Commands whose only output is their result write to the file descriptor
// directly. On Linux `process.stdout` writes synchronously to files, pipes and
// terminals alike, so the bytes and their order are the same either way.
import { fstatSync, statSync, writeSync } from "node:fs";

export interface FdWriter {
  write(text: string): void;
}

/**
 * Writes each text whole with `writeSync`. If the reader went away (EPIPE) the
 * rest is dropped quietly, like any Unix tool, and the command still finishes
 * so that its exit code counts (a monitor piping `--check` into `head` relies
 * on it). If the descriptor is non-blocking (EAGAIN: someone else set
 * O_NONBLOCK on a shared pipe) the rest goes to `stream()`, which waits.
 */
export function fdWriter(fd: number, stream: () => NodeJS.WritableStream): FdWriter {
  let readerGone = false;
  let viaStream = false;
  return {
    write(text) {
      if (readerGone) return;
      if (viaStream) {
        stream().write(text);
        return;
      }
      const bytes = Buffer.from(text, "utf8");
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "EPIPE") {
            readerGone = true;
            return;
          }
          if (code !== "EAGAIN") throw error;
          viaStream = true;
          stream().write(bytes.subarray(offset));
          return;
        }
      }
    },
  };
}

/**
 * `isatty(fd)` without loading `node:tty` (which loads `net` and the stream
 * stack, ~2 ms) when fstat already tells: pipes, sockets and files are not
 * terminals, and neither is /dev/null, a character device where scripts that
 * want only the exit code send the output. Other character devices get the
 * real check.
 */
export function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync("/dev/null").rdev) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule("node:tty").isatty(fd);
}
