/**
 * One decoder for every feed: account updates become price ticks, transactions become trades,
 * slot updates close Raydium pools whose slot is over. Stateful (it holds pool and vault state),
 * so one instance per stream.
 */
import type { FeedEvent, MarketEvent } from "../types.js";
import { PoolTracker } from "./pool-tracker.js";
import { PoolRegistry } from "./registry.js";
import { DecodeStats } from "./stats.js";
import { tradesFromTransaction } from "./trades.js";

export class MarketDecoder {
  readonly registry: PoolRegistry;
  readonly stats: DecodeStats;
  readonly #tracker: PoolTracker;

  constructor(registry: PoolRegistry = new PoolRegistry(), stats: DecodeStats = new DecodeStats()) {
    this.registry = registry;
    this.stats = stats;
    this.#tracker = new PoolTracker(registry, stats);
  }

  /** Appends what `ev` yields to `out` (no allocation per event beyond the ticks). */
  decode(ev: FeedEvent, out: MarketEvent[]): void {
    switch (ev.kind) {
      case "account":
        this.#tracker.account(ev.update, out);
        return;
      case "transaction":
        tradesFromTransaction(ev.update, this.registry, this.#tracker, this.stats, out);
        return;
      case "slot":
        this.#tracker.slot(ev.update.slot, out);
        return;
      default:
        return;
    }
  }

  flush(out: MarketEvent[]): void {
    this.#tracker.flush(out);
  }
}
