/**
 * The daemon's Prometheus metrics (prom-client), served by the control server at `/metrics`
 * (token required). One registry per daemon. Event-driven metrics (decisions, orders, restarts)
 * are counted where they happen; levels (queue depths, staleness, balances) are sampled by
 * `collect` just before each scrape, from the `MetricsSource` the daemon provides.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface QueueDepth {
  /** `writer.bars`, `writer.price_ticks`, `writer.feed_events`, `journal.outbox`, `scorer.pending`, ... */
  readonly queue: string;
  readonly depth: number;
}

export interface MetricsSource {
  queues(): readonly QueueDepth[];
  /** Milliseconds since each feed's last message; null before the first. */
  feeds(): readonly { readonly feed: string; readonly stalenessMs: number | null }[];
  openPositions(): number;
  walletSol(): number | null;
  entriesEnabled(): boolean;
  /** 1 for the child's current status, 0 for the others. */
  children(): readonly { readonly child: string; readonly status: string }[];
}

const CHILD_STATUSES = ["starting", "up", "restarting", "down", "degraded"] as const;

export class DaemonMetrics {
  readonly registry: Registry;
  readonly decisionLatency: Histogram<"outcome">;
  readonly decisions: Counter<"outcome">;
  readonly orders: Counter<"side" | "outcome">;
  readonly restarts: Counter<"child">;
  readonly crashes: Counter<"child">;
  readonly barsClosed: Counter;
  readonly transitions: Counter<"state">;
  readonly #landed = { sent: 0, landed: 0 };

  constructor(source: MetricsSource, registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.decisionLatency = new Histogram({
      name: "alphagpt_decision_latency_seconds",
      help: "From a bar close arriving to the scorer's decisions being acted on (entries requested, scores sent to positions)",
      labelNames: ["outcome"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.decisions = new Counter({ name: "alphagpt_decisions_total", help: "Entry decisions by outcome (opened, refused_risk, refused_paused, held, ...)", labelNames: ["outcome"], registers });
    this.orders = new Counter({ name: "alphagpt_orders_total", help: "Executor calls by side and outcome (Filled, Failed, Expired, or the error tag)", labelNames: ["side", "outcome"], registers });
    this.restarts = new Counter({ name: "alphagpt_child_restarts_total", help: "Supervised child restarts", labelNames: ["child"], registers });
    this.crashes = new Counter({ name: "alphagpt_child_crashes_total", help: "Supervised child crashes (including hangs detected by missed heartbeats)", labelNames: ["child"], registers });
    this.barsClosed = new Counter({ name: "alphagpt_bars_closed_total", help: "Bars closed by the ingest", registers });
    this.transitions = new Counter({ name: "alphagpt_position_transitions_total", help: "Position state entries by state", labelNames: ["state"], registers });
    const landed = this.#landed;
    new Gauge({
      name: "alphagpt_landing_rate",
      help: "Share of orders sent that landed filled (all time); NaN before the first",
      registers,
      collect() {
        this.set(landed.sent === 0 ? Number.NaN : landed.landed / landed.sent);
      },
    });
    new Gauge({
      name: "alphagpt_queue_depth",
      help: "Items waiting in a queue: writer buffers (rows), the journal's mirror outbox (rows), scorer closes",
      labelNames: ["queue"],
      registers,
      collect() {
        this.reset();
        for (const q of source.queues()) this.set({ queue: q.queue }, q.depth);
      },
    });
    new Gauge({
      name: "alphagpt_feed_staleness_seconds",
      help: "Seconds since the feed's last message (NaN before the first)",
      labelNames: ["feed"],
      registers,
      collect() {
        this.reset();
        for (const f of source.feeds()) this.set({ feed: f.feed }, f.stalenessMs === null ? Number.NaN : f.stalenessMs / 1000);
      },
    });
    new Gauge({ name: "alphagpt_open_positions", help: "Positions open (any state before closed)", registers, collect() { this.set(source.openPositions()); } });
    new Gauge({
      name: "alphagpt_wallet_sol", help: "Wallet SOL balance (paper or live); NaN when unknown", registers,
      collect() { this.set(source.walletSol() ?? Number.NaN); },
    });
    new Gauge({ name: "alphagpt_entries_enabled", help: "1 while new entries are allowed", registers, collect() { this.set(source.entriesEnabled() ? 1 : 0); } });
    new Gauge({
      name: "alphagpt_child_status",
      help: "1 for each supervised child's current status",
      labelNames: ["child", "status"],
      registers,
      collect() {
        this.reset();
        for (const c of source.children()) for (const s of CHILD_STATUSES) this.set({ child: c.child, status: s }, c.status === s ? 1 : 0);
      },
    });
  }

  /** An executor buy or sell ended: Filled lands, anything else sent counts against the rate. */
  order(side: "buy" | "sell", outcome: string): void {
    this.orders.inc({ side, outcome });
    // Refusals before sending (no route, funds, unavailable) never reached the chain.
    if (outcome === "Filled" || outcome === "Failed" || outcome === "Expired" || outcome === "ExecutorUnknownOutcomeError") {
      this.#landed.sent++;
      if (outcome === "Filled") this.#landed.landed++;
    }
  }
}
