/**
 * The latest bars per mint in bounded ring buffers, fed bar by bar: what the scorer evaluates
 * the formula on. Only real bars are stored; a slot without a bar is a gap, which the panel
 * built from them marks invalid (and carries the close over). Liquidity and FDV are carried
 * forward across evicted bars too, as the whole-history panel would, so a window of the last
 * `capacity` bars gives the same values at its end.
 */
import type { BarInput } from "../../alpha/index.js";

export interface BarWindowOptions {
  readonly intervalS: number;
  /** Real bars kept per mint; the oldest is evicted when a new one comes. */
  readonly capacity: number;
}

/** added; replaced: a correction of a bar still held; late: older than the newest and not held; rejected: bad prices. */
export type PushResult = "added" | "replaced" | "late" | "rejected";

export interface BarWindowStats {
  added: number;
  replaced: number;
  late: number;
  rejected: number;
  evicted: number;
}

const FIELDS = ["ts", "open", "high", "low", "close", "volume", "liquidity", "fdv"] as const;
type Field = (typeof FIELDS)[number];

/** One mint's ring; liquidity/FDV are stored as reported (NaN when not), carried on reading. */
class Ring {
  cols: Record<Field, Float64Array>;
  head = 0;
  n = 0;
  /** Last reported liquidity/FDV among the bars already evicted: carried into the first held bar. */
  carryLiq = Number.NaN;
  carryFdv = Number.NaN;
  evicted = 0;

  constructor(readonly capacity: number) {
    this.cols = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(capacity)])) as Record<Field, Float64Array>;
  }

  /** Physical index of the k-th bar, oldest first. */
  at(k: number): number {
    return (this.head + k) % this.capacity;
  }

  latestTs(): number {
    return this.n === 0 ? Number.NEGATIVE_INFINITY : this.cols.ts[this.at(this.n - 1)]!;
  }

  write(j: number, slot: number, b: BarInput): void {
    const c = this.cols;
    c.ts[j] = slot;
    c.open[j] = b.open;
    c.high[j] = b.high;
    c.low[j] = b.low;
    c.close[j] = b.close;
    c.volume[j] = b.volume;
    c.liquidity[j] = b.liquidity !== null && b.liquidity > 0 ? b.liquidity : Number.NaN;
    c.fdv[j] = b.fdv !== null && b.fdv > 0 ? b.fdv : Number.NaN;
  }

  /** Append; returns true when the oldest bar was evicted to make room. */
  append(slot: number, b: BarInput): boolean {
    let evicted = false;
    if (this.n === this.capacity) {
      const j = this.head;
      if (!Number.isNaN(this.cols.liquidity[j]!)) this.carryLiq = this.cols.liquidity[j]!;
      if (!Number.isNaN(this.cols.fdv[j]!)) this.carryFdv = this.cols.fdv[j]!;
      this.head = (this.head + 1) % this.capacity;
      this.n--;
      this.evicted++;
      evicted = true;
    }
    this.write(this.at(this.n), slot, b);
    this.n++;
    return evicted;
  }

  /** Index (oldest first) of the bar at `slot`, or -1. */
  find(slot: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = this.cols.ts[this.at(mid)]!;
      if (t === slot) return mid;
      if (t < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A ring of another capacity holding the newest bars (carries updated for any dropped). */
  resized(capacity: number): Ring {
    const r = new Ring(capacity);
    r.carryLiq = this.carryLiq;
    r.carryFdv = this.carryFdv;
    r.evicted = this.evicted;
    const drop = Math.max(0, this.n - capacity);
    for (let k = 0; k < this.n; k++) {
      const j = this.at(k);
      if (k < drop) {
        if (!Number.isNaN(this.cols.liquidity[j]!)) r.carryLiq = this.cols.liquidity[j]!;
        if (!Number.isNaN(this.cols.fdv[j]!)) r.carryFdv = this.cols.fdv[j]!;
        r.evicted++;
        continue;
      }
      for (const f of FIELDS) r.cols[f][r.n] = this.cols[f][j]!;
      r.n++;
    }
    return r;
  }
}

const validBar = (b: BarInput): boolean =>
  Number.isFinite(b.ts) && [b.open, b.high, b.low, b.close].every((p) => Number.isFinite(p) && p > 0);

export class BarWindow {
  readonly intervalS: number;
  readonly stats: BarWindowStats = { added: 0, replaced: 0, late: 0, rejected: 0, evicted: 0 };
  #capacity: number;
  readonly #rings = new Map<string, Ring>();

  constructor(options: BarWindowOptions) {
    if (!(options.intervalS > 0)) throw new RangeError(`intervalS must be positive, got ${options.intervalS}`);
    if (!(Number.isInteger(options.capacity) && options.capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1, got ${options.capacity}`);
    this.intervalS = options.intervalS;
    this.#capacity = options.capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** The bar's slot on the grid (bar open time floored to the interval, unix seconds). */
  slotOf(ts: number): number {
    return Math.floor(ts / this.intervalS) * this.intervalS;
  }

  push(bar: BarInput): PushResult {
    if (!validBar(bar)) return this.#count("rejected");
    const slot = this.slotOf(bar.ts);
    let ring = this.#rings.get(bar.mint);
    if (ring === undefined) this.#rings.set(bar.mint, (ring = new Ring(this.#capacity)));
    if (slot > ring.latestTs()) {
      if (ring.append(slot, bar)) this.stats.evicted++;
      return this.#count("added");
    }
    const k = ring.find(slot);
    if (k < 0) return this.#count("late");
    ring.write(ring.at(k), slot, bar);
    return this.#count("replaced");
  }

  /** Keep the newest `capacity` bars per mint from now on; growing keeps everything held. */
  resize(capacity: number): void {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    if (capacity === this.#capacity) return;
    for (const [mint, ring] of this.#rings) this.#rings.set(mint, ring.resized(capacity));
    this.#capacity = capacity;
  }

  mints(): string[] {
    return [...this.#rings.keys()].sort();
  }

  size(mint: string): number {
    return this.#rings.get(mint)?.n ?? 0;
  }

  /** True once a bar of this mint was evicted: its history no longer starts at its first bar. */
  truncated(mint: string): boolean {
    return (this.#rings.get(mint)?.evicted ?? 0) > 0;
  }

  latestTs(mint: string): number | null {
    const r = this.#rings.get(mint);
    return r === undefined || r.n === 0 ? null : r.latestTs();
  }

  /** The held bars of `mint`, oldest first, liquidity and FDV carried forward as reported. */
  bars(mint: string): BarInput[] {
    const r = this.#rings.get(mint);
    if (r === undefined) return [];
    const out: BarInput[] = [];
    let liq = r.carryLiq;
    let fdv = r.carryFdv;
    const c = r.cols;
    for (let k = 0; k < r.n; k++) {
      const j = r.at(k);
      if (!Number.isNaN(c.liquidity[j]!)) liq = c.liquidity[j]!;
      if (!Number.isNaN(c.fdv[j]!)) fdv = c.fdv[j]!;
      out.push({
        mint, ts: c.ts[j]!, open: c.open[j]!, high: c.high[j]!, low: c.low[j]!, close: c.close[j]!, volume: c.volume[j]!,
        liquidity: Number.isNaN(liq) ? null : liq, fdv: Number.isNaN(fdv) ? null : fdv,
      });
    }
    return out;
  }

  /** Forget mints whose newest bar is older than `ts` (tokens that left the universe). */
  prune(ts: number): number {
    let removed = 0;
    for (const [mint, ring] of this.#rings) {
      if (ring.latestTs() < ts) {
        this.#rings.delete(mint);
        removed++;
      }
    }
    return removed;
  }

  #count(r: PushResult): PushResult {
    this.stats[r]++;
    return r;
  }
}
