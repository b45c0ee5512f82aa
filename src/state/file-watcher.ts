// Notices changes to a few files without a stat per request: inotify-style
// directory watches (files are replaced by rename, so the file itself cannot be
// watched), re-armed after every event because a missing directory (no agent
// store yet) is watched through its nearest existing parent until it appears.
// Directories made in quick succession (mkdir -p) can appear before the watch
// on their parent exists, with no event for them: arm() looks again until it
// watches the nearest one, and then has its owner compare once.
import { existsSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";

export class FileWatcher {
  private watchers = new Map<string, FSWatcher>();
  /** True when the platform cannot watch: the caller then checks on every use. */
  polling = false;

  constructor(
    private files: readonly string[],
    private readonly onChange: () => void,
  ) {
    this.arm();
  }

  /** Watch a different set of files (the config may move an agent's dir). */
  setFiles(files: readonly string[]): void {
    this.files = files;
    this.arm();
  }

  private nearestExistingDir(file: string): string {
    let dir = dirname(file);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    return dir;
  }

  private closed = false;

  private arm(): void {
    if (this.closed) return;
    // Until the watches are in place, a directory can appear (or a file change) without an
    // event reaching us: look again until what we watch is still the nearest, then tell the
    // owner to compare once, so nothing written meanwhile goes unnoticed.
    for (let round = 0; round < 32; round++) {
      const added = this.armOnce();
      if (!added) return;
      if (this.files.every((file) => this.watchers.has(this.nearestExistingDir(file)))) {
        if (round > 0 || this.armedBefore) this.onChange();
        this.armedBefore = true;
        return;
      }
    }
  }

  /** True once the first watches exist: a later arm that moves closer must compare what it may have missed. */
  private armedBefore = false;

  /** Watches the nearest existing directory of each file; true when it started a new watch. */
  private armOnce(): boolean {
    let added = false;
    const wanted = new Set(this.files.map((file) => this.nearestExistingDir(file)));
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => {
          this.onChange();
          // A directory may have appeared (first store written): watch closer to the files.
          queueMicrotask(() => this.arm());
        });
        watcher.on("error", () => {
          this.polling = true;
        });
        this.watchers.set(dir, watcher);
        added = true;
      } catch {
        this.polling = true;
      }
    }
    return added;
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

export interface DirectoryWatch {
  /** True when the platform cannot watch: the owner then calls `check()` before each use. */
  readonly polling: boolean;
  check(): void;
  close(): void;
}

/**
 * Calls `look` on every change in the directories of `files` (synchronously,
 * inside the event callback) and on `check()`, until closed. `look` compares
 * what it watches with what it saw last and reports real changes itself.
 */
export function watchDirectoriesOf(files: readonly string[], look: () => void, onClose: () => void): DirectoryWatch {
  let closed = false;
  const check = () => {
    if (!closed) look();
  };
  const watcher = new FileWatcher(files, check);
  return {
    get polling() {
      return watcher.polling;
    },
    check,
    close() {
      closed = true;
      watcher.close();
      onClose();
    },
  };
}
