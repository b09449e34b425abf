/**
 * Progress for long work: a live bar on a terminal, periodic plain lines otherwise (CI, logs),
 * always on stderr so stdout stays parseable.
 */
import { SingleBar, Presets } from "cli-progress";
import type { CliIo } from "./context.js";

export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What `done` and `total` count (`bars`), shown after them; omitted when unset. */
  readonly unit?: string;
  readonly stream?: NodeJS.WriteStream;
}

export function startProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ? ` ${opts.unit}` : "";
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | eta {eta_formatted} {detail}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { detail: "" });
    return {
      update: (done, detail = "") => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  // One line per tenth of the work keeps logs short; the line itself shows the exact percentage.
  let lastTenth = -1;
  return {
    update(done, detail = "") {
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      // Rounding alone would print 100% at 999/1000: only the end says 100%.
      const pct = total <= 0 || done >= total ? 100 : Math.min(99, Math.round((100 * done) / total));
      stream.write(`${label}: ${pct}% (${done}/${total}${unit}) ${detail}\n`);
    },
    stop() {},
  };
}

/** A live bar on a terminal, else lines through `io.stderr` (so tests capture them). */
export function progressBar(io: CliIo, label: string, total: number, unit?: string): Progress {
  const stream = process.stderr.isTTY ? process.stderr : ({ isTTY: false, write: (t: string) => (io.stderr(t), true) } as unknown as NodeJS.WriteStream);
  return startProgress(label, total, { stream, ...(unit !== undefined ? { unit } : {}) });
}
