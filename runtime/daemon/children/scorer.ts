/**
 * The scorer child: on each bar close, the active formula is evaluated causally across the
 * universe (actors/scorer `Scorer.close`) and the ranked decisions go to the daemon, which
 * sends scores to held positions (their AI exit) and opens the entries risk allows.
 *
 * The bar window and the active formula belong to the daemon's `Scorer` and outlive this child:
 * bars keep filling the window while the child is down, so a restarted scorer decides on the
 * next close with its full history. A close that arrives while the child is down is skipped
 * (deciding late on an old close would enter at a stale price).
 */
import type { Book, Decisions, Scorer } from "../../../actors/scorer/index.js";
import type { Clock } from "../../../core/clock.js";
import type { BarOutput } from "../../../streams/bars/bar-book.js";
import type { ChildContext, ChildFactory, ChildInstance } from "./child.js";

export interface ScorerChildOptions {
  readonly scorer: Scorer;
  readonly clock: Clock;
  /** Tokens held and the entry risk check, at the moment of the close. */
  readonly book: () => Book;
  /** `seenAt`: wall time the close's first bar arrived (decision latency starts there). */
  onDecisions(d: Decisions, seenAt: number): void;
}

export interface ScorerStats {
  closes: number;
  skipped: number;
  lastCloseTs: number | null;
  lastSignals: number;
}

export interface ScorerChild {
  readonly factory: ChildFactory;
  readonly stats: ScorerStats;
  /** Every bar output of the ingest, in order. */
  onBar(o: BarOutput): void;
  /** Closes waiting for the next turn of the event loop. */
  pending(): number;
}

export function scorerChild(o: ScorerChildOptions): ScorerChild {
  const stats: ScorerStats = { closes: 0, skipped: 0, lastCloseTs: null, lastSignals: 0 };
  const pending = new Map<number, number>();
  let scheduled = false;
  let live: { ctx: ChildContext; stopped: boolean } | null = null;

  const flush = (): void => {
    scheduled = false;
    const slots = [...pending.entries()].sort((a, b) => a[0] - b[0]);
    pending.clear();
    const inst = live;
    if (inst === null || inst.stopped) {
      stats.skipped += slots.length;
      return;
    }
    for (const [slot, seenAt] of slots) {
      try {
        const d: Decisions = o.scorer.close(slot, o.book());
        stats.closes++;
        stats.lastCloseTs = slot;
        stats.lastSignals = d.signals.length;
        o.onDecisions(d, seenAt);
      } catch (e) {
        // A failing evaluation (or decision) is this child's crash, never the process's.
        inst.ctx.crashed(e);
        return;
      }
    }
  };

  return {
    stats,
    pending: () => pending.size,
    onBar(b) {
      if (b.kind === "late") return;
      o.scorer.push(b.bar);
      if (b.kind !== "bar") return; // a correction revises the window, it is not a close
      const slot = o.scorer.window.slotOf(b.bar.ts);
      if (!pending.has(slot)) pending.set(slot, o.clock.now());
      if (!scheduled) {
        scheduled = true;
        // Every bar of one close is emitted in one burst: decide once they are all in.
        setImmediate(flush);
      }
    },
    factory: {
      name: "scorer",
      async start(ctx: ChildContext): Promise<ChildInstance> {
        const inst = { ctx, stopped: false };
        live = inst;
        const end = () => {
          inst.stopped = true;
          if (live === inst) live = null;
        };
        return { alive: () => !inst.stopped && live === inst, stop: async () => end(), kill: () => end() };
      },
    },
  };
}
