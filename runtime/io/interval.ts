/**
 * Bar intervals: parse `1h` / `60s` / `3600`, read them from file names (`ohlcv_1h.csv`), infer
 * them from data (modal spacing), and print them back.
 */
import { basename } from "node:path";

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** `1h` → 3600, `60s` → 60, `3600` (bare seconds) → 3600; undefined when it is not an interval. */
export function parseInterval(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text > 0 ? text : undefined;
  const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]) * (UNIT_S[(m[2] ?? "").toLowerCase() || "s"] ?? 1);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The interval named in a file name: a token like `1h`, `5m`, `15m`, `1d` between `_`, `-` or
 * `.` separators. Bare numbers do not count (they are usually dates: `ohlcv_2025_10_05.csv`).
 */
export function intervalFromFileName(path: string): number | undefined {
  const stem = basename(path).replace(/\.[^.]*$/, "");
  for (const token of stem.split(/[_\-.\s]+/)) {
    if (/^\d+[smhdw]$/i.test(token)) return parseInterval(token);
  }
  return undefined;
}

/** 3600 → `1h`, 43200 → `12h`, 90 → `90s`: the largest unit that divides evenly. */
export function formatInterval(seconds: number): string {
  for (const unit of ["w", "d", "h", "m"] as const) {
    const size = UNIT_S[unit] ?? 1;
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * The most common positive spacing between consecutive bars of the same key (ties go to the
 * smaller spacing). Gaps are real in meme data, so the mode, not the minimum or the mean, is the
 * robust estimate. Undefined when no key has two bars.
 */
export function modalSpacing(tsByKey: Iterable<readonly number[]>): number | undefined {
  const counts = new Map<number, number>();
  for (const series of tsByKey) {
    const sorted = [...series].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const d = (sorted[i] ?? 0) - (sorted[i - 1] ?? 0);
      if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
    }
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}
