/**
 * Feed-level fault knobs, applied once as updates enter the server (so every subscriber and the
 * replay buffer see the same faults): malformed account data, duplicated and reordered updates.
 * Seeded: a seed reproduces exactly which updates were hit.
 */
import { seededRng, type Rng } from "../../core/random.js";
import type { SubscribeUpdate } from "../../streams/geyser/wire.js";

export interface FeedFaults {
  /** Probability an account update's data is cut short (a decoder must count and skip it). */
  readonly malformedRate?: number;
  /** Probability an update is sent twice in a row. */
  readonly duplicateRate?: number;
  /** Shuffle updates within windows of this many (1 = off). */
  readonly reorderWindow?: number;
  /** Which account updates may be malformed (default: all). */
  readonly malformWhen?: (u: SubscribeUpdate) => boolean;
  readonly seed?: number;
}

export interface FaultCounts {
  malformed: number;
  duplicated: number;
  reordered: number;
}

export class FaultInjector {
  readonly counts: FaultCounts = { malformed: 0, duplicated: 0, reordered: 0 };
  readonly #f: FeedFaults;
  readonly #rng: Rng;
  #window: SubscribeUpdate[] = [];

  constructor(f: FeedFaults = {}) {
    this.#f = f;
    this.#rng = seededRng(f.seed ?? 7);
  }

  /** Updates to publish for one fed update (possibly none yet, while a reorder window fills). */
  apply(u: SubscribeUpdate): SubscribeUpdate[] {
    let out = [this.#malform(u)];
    if (this.#rng.next() < (this.#f.duplicateRate ?? 0) && u.ping === undefined) {
      this.counts.duplicated++;
      out.push(out[0] as SubscribeUpdate);
    }
    const w = this.#f.reorderWindow ?? 1;
    if (w <= 1) return out;
    this.#window.push(...out);
    if (this.#window.length < w) return [];
    out = this.#window;
    this.#window = [];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.#rng.next() * (i + 1));
      if (j !== i) {
        [out[i], out[j]] = [out[j] as SubscribeUpdate, out[i] as SubscribeUpdate];
        this.counts.reordered++;
      }
    }
    return out;
  }

  /** What a reorder window still holds at the end of the feed. */
  drain(): SubscribeUpdate[] {
    const out = this.#window;
    this.#window = [];
    return out;
  }

  #malform(u: SubscribeUpdate): SubscribeUpdate {
    const a = u.account?.account;
    if (a === undefined || !(this.#rng.next() < (this.#f.malformedRate ?? 0))) return u;
    if (this.#f.malformWhen !== undefined && !this.#f.malformWhen(u)) return u;
    this.counts.malformed++;
    const cut = Math.floor(this.#rng.next() * Math.min(a.data.length, 40));
    return { ...u, account: { ...(u.account as NonNullable<SubscribeUpdate["account"]>), account: { ...a, data: a.data.subarray(0, cut) } } };
  }
}
