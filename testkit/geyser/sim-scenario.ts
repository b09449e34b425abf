/**
 * A simulated market prepared for Geyser tests: its events, the Geyser updates they become, the
 * subscription that selects them, the SOL/USD path for valuing bars, and the reference bars.
 */
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import type { PoolRegistry } from "../../streams/decoders/registry.js";
import { SubscribeRequest, type SubscribeUpdate } from "../../streams/geyser/wire.js";
import type { Bar } from "../../streams/types.js";
import { simulateMarket, type SimEvent, type SimOptions } from "../sim/index.js";
import { SimGeyserFeed } from "./sim-feed.js";
import { referenceBars } from "./sim-reference.js";

export interface SimScenario {
  readonly events: readonly SimEvent[];
  readonly updates: readonly SubscribeUpdate[];
  readonly feed: SimGeyserFeed;
  /** What an ingest subscribes to: the venues' accounts, token accounts, trades and slots. */
  readonly request: SubscribeRequest;
  readonly intervalS: number;
  /** SOL/USD of the simulation step at a time (the simulator's own path). */
  readonly usd: (quoteMint: string, tsEvent: number) => number | null;
  /** Reference bars, mints in the simulator's ids. */
  readonly reference: readonly Bar[];
  /** The simulator's own bars (volume differs on pools; see sim-reference.ts). */
  readonly simBars: readonly Bar[];
  readonly lastSlot: number;
  /** Tell a decoder which curve belongs to which mint (curves do not store their mint). */
  registerCurves(registry: PoolRegistry): void;
  /** Bars with chain mints mapped back to simulator ids. */
  toSimIds(bars: readonly Bar[]): Bar[];
}

export function simScenario(options: SimOptions): SimScenario {
  const market = simulateMarket(options);
  const steps = [...market.steps()];
  const events = steps.flatMap((s) => s.events);
  const feed = new SimGeyserFeed();
  const updates = [...feed.feed(events)];
  const intervalS = market.options.barIntervalS;
  const stepMs = intervalS * 1000;
  const request = SubscribeRequest.fromPartial({
    accounts: { venues: { owner: [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID] }, tokens: { owner: [TOKEN_PROGRAM_ID] } },
    transactions: { trades: { vote: false, failed: false, accountInclude: [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID] } },
    slots: { slots: {} },
  });
  return {
    events,
    updates,
    feed,
    request,
    intervalS,
    usd: (_q, ts) => steps[Math.floor((ts - market.startMs) / stepMs)]?.solUsd ?? null,
    reference: referenceBars(events, intervalS),
    simBars: steps.flatMap((s) => s.bars),
    lastSlot: events.at(-1)?.slot ?? -1,
    registerCurves(registry) {
      for (const p of market.plans) if (!p.direct) registry.registerCurve(feed.address(p.launchPool), feed.address(p.mint));
    },
    toSimIds: (bars) => bars.map((b) => ({ ...b, mint: feed.simId(b.mint) ?? b.mint })),
  };
}
