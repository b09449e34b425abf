/**
 * Progress for long work: a live bar on a terminal, periodic plain lines otherwise (CI, logs),
 * always on stderr so stdout stays parseable.
 */
import { SingleBar, Presets } from "cli-progress";

export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted} {detail}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { detail: "" });
    return {
      update: (done, detail = "") => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  let lastPct = -1;
  return {
    update(done, detail = "") {
      const pct = total > 0 ? Math.floor((100 * done) / total / 10) * 10 : 100;
      if (pct !== lastPct) {
        lastPct = pct;
        stream.write(`${label}: ${pct}% (${done}/${total}) ${detail}\n`);
      }
    },
    stop() {},
  };
}
