/**
 * Upstream's stop file (reference §11.10), honoured and fixed (M5). The file at
 * `config.stopSignalPath` holding "", STOP or STOPPED (any case, trimmed), or unreadable, stops
 * new entries; FLATTEN also exits every position. We acknowledge by writing STOPPED, once per
 * appearance. Unlike upstream, a successful resume deletes the file, so it never blocks the next
 * start; a file left in place while the daemon was down still starts it with entries stopped,
 * which is what whoever wrote it asked for.
 */
import { readFile, unlink, writeFile } from "node:fs/promises";
import type { DaemonControl, ResumeResult } from "./control-port.js";

export type StopFileOutcome = "absent" | "ignored" | "stopped" | "already-stopped" | "failed";

export interface StopFileOptions {
  readonly path: string;
  readonly control: DaemonControl;
  readonly log: (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>) => void;
  /** Poll period; 0 disables the timer (tests call `check()` themselves). */
  readonly pollMs?: number;
}

export interface StopFileWatcher {
  /** One look at the file; polls call this, tests too. Calls never overlap. */
  check(): Promise<StopFileOutcome>;
  /** Delete the file (absent is fine; a failure is logged, never thrown) and watch for a new one. */
  clear(): Promise<void>;
  close(): void;
}

const STOP_WORDS = new Set(["", "STOP", "STOPPED"]);

export function watchStopFile(opts: StopFileOptions): StopFileWatcher {
  // Armed until we act on a file; re-armed when it goes away, so each appearance stops once.
  let armed = true;
  let running: Promise<StopFileOutcome> | null = null;

  const look = async (): Promise<StopFileOutcome> => {
    let word: string;
    try {
      word = (await readFile(opts.path, "utf8")).trim().toUpperCase();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        armed = true;
        return "absent";
      }
      word = ""; // exists but unreadable: upstream counts that as a stop, and so do we
    }
    const flatten = word === "FLATTEN";
    if (!flatten && !STOP_WORDS.has(word)) return "ignored";
    if (!armed) return "already-stopped";
    try {
      await opts.control.stop({ flatten, source: "stop-file", reason: `stop file ${opts.path}` });
    } catch (e) {
      opts.log("error", "stop file: stop() failed; will retry", { path: opts.path, error: String(e) });
      return "failed";
    }
    armed = false;
    opts.log("warn", "stop file: new entries stopped", { path: opts.path, flatten });
    await writeFile(opts.path, "STOPPED\n").catch((e: unknown) =>
      opts.log("warn", "stop file: could not acknowledge", { path: opts.path, error: String(e) }),
    );
    return "stopped";
  };

  const check = () => {
    running ??= look().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = (opts.pollMs ?? 1000) > 0 ? setInterval(() => void check(), opts.pollMs ?? 1000) : null;
  timer?.unref();

  return {
    check,
    clear: async () => {
      await running;
      await unlink(opts.path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") opts.log("warn", "stop file: could not delete it", { path: opts.path, error: String(e) });
      });
      armed = true;
    },
    close: () => {
      if (timer) clearInterval(timer);
    },
  };
}

/** The same control, except that a successful resume also deletes the stop file. */
export function withStopFile(control: DaemonControl, watcher: StopFileWatcher): DaemonControl {
  const resume = async (): Promise<ResumeResult> => {
    const result = await control.resume();
    await watcher.clear();
    return result;
  };
  return new Proxy(control, {
    get(target, prop) {
      if (prop === "resume") return resume;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
