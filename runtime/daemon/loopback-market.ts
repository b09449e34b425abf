/**
 * The embedded market for `npm start` and the tests: the seeded simulated meme market
 * (testkit/sim), turned into the Geyser updates a validator would stream (testkit's
 * SimGeyserFeed), paced at `speed` times real time, served by the loopback Yellowstone server
 * and consumed by the daemon with the real client, exactly as a real endpoint would be.
 *
 * The market never ends: when one simulated run (an "epoch" of `bars` bars) is over, the next
 * one starts where it left off in time and slots, with the next seed and a new set of tokens
 * (the old ones stop trading, as meme tokens do). Generation is lazy, a step at a time, so a run
 * of any length streams in constant memory.
 *
 * With `statePath`, where the market got to (epoch and step) is saved there, and a daemon
 * started again on the same data directory and settings resumes the market from that point
 * instead of replaying it from its first bar: open positions see prices continue, not rewind.
 */
import { readFileSync } from "node:fs";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import { writeFileAtomic } from "../../core/files.js";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import type { PoolRegistry } from "../../streams/decoders/registry.js";
import { SubscribeRequest, type SubscribeUpdate } from "../../streams/geyser/wire.js";
import { SimGeyserFeed } from "../../testkit/geyser/sim-feed.js";
import { startGeyserServer, type GeyserServer } from "../../testkit/geyser/server.js";
import { simulateMarket, type SimEvent, type SimOptions } from "../../testkit/sim/index.js";
import { pacer, wallClock, type PacingOptions } from "./pacing.js";

export interface LoopbackMarketOptions extends PacingOptions {
  /** Seed of the first epoch; epoch k uses seed + k. */
  readonly seed: number;
  readonly tokens: number;
  /** Bars per epoch. */
  readonly bars: number;
  readonly barIntervalS: number;
  /** Planted predictive signal strength (testkit/sim/signal.ts); 0 for none. */
  readonly signalStrength: number;
  /** Epochs before the feed ends; default endless. */
  readonly epochs?: number;
  /** Further simulator options (activity, launch window, ...). */
  readonly sim?: Omit<SimOptions, "seed" | "tokens" | "bars" | "barIntervalS" | "plantedSignal" | "startTs" | "startSlot">;
  /** Where to save the market's progress (and resume it from); none: start at the first bar. */
  readonly statePath?: string;
}

export interface LoopbackMarket {
  readonly server: GeyserServer;
  readonly endpoint: string;
  /** What the ingest subscribes to: the venues' accounts, token accounts, trades and slots. */
  readonly request: SubscribeRequest;
  /** SOL/USD of the simulated step at a time, for valuing bars. */
  usd(quoteMint: string, tsEvent: number): number | null;
  /** Symbols of the simulated tokens, by chain mint. */
  symbol(mint: string): string | null;
  /** Updates published so far, and the epoch being streamed. */
  stats(): { readonly published: number; readonly epoch: number; readonly step: number; readonly simTimeMs: number | null; readonly resumedAt: { readonly epoch: number; readonly step: number } | null };
  close(): Promise<void>;
}

const SLOT_MS = 400;
/** Save the position at most this often (wall ms). */
const SAVE_EVERY_MS = 2_000;

interface SavedPosition {
  readonly schema: "alphagpt/loopback-market@1";
  /** The settings the position belongs to: another market starts from its first bar. */
  readonly key: string;
  readonly epoch: number;
  readonly step: number;
}

const keyOf = (o: LoopbackMarketOptions): string =>
  JSON.stringify([o.seed, o.tokens, o.bars, o.barIntervalS, o.signalStrength, o.sim ?? {}]);

function savedPosition(o: LoopbackMarketOptions): { epoch: number; step: number } | null {
  if (o.statePath === undefined) return null;
  try {
    const s = JSON.parse(readFileSync(o.statePath, "utf8")) as Partial<SavedPosition>;
    if (s.schema !== "alphagpt/loopback-market@1" || s.key !== keyOf(o) || !Number.isInteger(s.epoch) || !Number.isInteger(s.step)) return null;
    return { epoch: s.epoch as number, step: s.step as number };
  } catch {
    return null;
  }
}
/** Steps of SOL/USD kept for late bars. */
const USD_STEPS_KEPT = 20_000;

/**
 * Starts the loopback Geyser server on the paced feed. `registry` is the daemon's decoder
 * registry: each epoch's pump.fun curves are registered before any of its updates is sent.
 */
export async function startLoopbackMarket(o: LoopbackMarketOptions, registry: PoolRegistry): Promise<LoopbackMarket> {
  const now = wallClock(o);
  const feed = new SimGeyserFeed();
  const usdByStep = new Map<number, number>();
  const symbols = new Map<string, string>();
  const stepMs = o.barIntervalS * 1000;
  let published = 0;
  let epoch = 0;
  let stepNo = 0;
  let simTimeMs: number | null = null;
  let closed = false;
  const resumedAt = savedPosition(o);
  let lastSave = 0;
  let saving: Promise<void> = Promise.resolve();
  const save = (force: boolean): Promise<void> => {
    if (o.statePath === undefined || (!force && now() - lastSave < SAVE_EVERY_MS)) return saving;
    lastSave = now();
    const body: SavedPosition = { schema: "alphagpt/loopback-market@1", key: keyOf(o), epoch, step: stepNo };
    const path = o.statePath;
    saving = saving.then(() => writeFileAtomic(path, JSON.stringify(body) + "\n")).catch(() => undefined);
    return saving;
  };

  async function* updates(): AsyncGenerator<SubscribeUpdate> {
    const stepsPerEpoch = o.bars;
    const first = resumedAt ?? { epoch: 0, step: 0 };
    const epochMs = stepsPerEpoch * stepMs;
    let startTs = Math.floor(1_735_689_600 / o.barIntervalS) * o.barIntervalS + (first.epoch * epochMs) / 1000;
    let startSlot = 310_000_000 + first.epoch * (Math.ceil(epochMs / SLOT_MS) + 1);
    // Pacing runs across epochs: simulated time is contiguous (from where a resumed market starts).
    const pace = pacer(o);
    const launched: Extract<SimEvent, { kind: "launch" }>[] = [];
    for (epoch = first.epoch; o.epochs === undefined || epoch < o.epochs; epoch++) {
      const market = simulateMarket({
        ...o.sim,
        seed: o.seed + epoch,
        tokens: o.tokens,
        bars: o.bars,
        barIntervalS: o.barIntervalS,
        startTs,
        startSlot,
        ...(o.signalStrength > 0 ? { plantedSignal: { strength: o.signalStrength } } : {}),
      });
      for (const p of market.plans) {
        symbols.set(feed.address(p.mint), p.symbol);
        if (!p.direct) registry.registerCurve(feed.address(p.launchPool), feed.address(p.mint));
      }
      let k = 0;
      for (const step of market.steps()) {
        if (closed) return;
        stepNo = k++;
        if (epoch === first.epoch && stepNo < first.step) {
          // Resuming: the market's past is generated (it is a seeded walk) but not sent, except
          // the mint accounts of the tokens it launched (token safety reads them from the feed).
          for (const e of step.events) if (e.kind === "launch") launched.push(e);
          if (stepNo % 50 === 0) await new Promise((r) => setImmediate(r));
          continue;
        }
        void save(false);
        usdByStep.set(Math.floor(step.startMs / stepMs), step.solUsd);
        if (usdByStep.size > USD_STEPS_KEPT) usdByStep.delete(usdByStep.keys().next().value as number);
        for (const e of step.events) {
          await pace(e.tsMs);
          if (closed) return;
          simTimeMs = e.tsMs;
          for (const l of launched.splice(0)) {
            published++;
            yield feed.mintWrite(l, e.slot, new Date(e.tsMs));
          }
          for (const u of feed.updates(e)) {
            published++;
            yield u;
          }
        }
      }
      yield* feed.finish();
      startTs = Math.floor(market.endMs / 1000);
      startSlot += Math.ceil((o.bars * stepMs) / SLOT_MS) + 1;
    }
  }

  const server = await startGeyserServer({ feed: updates(), replaySlots: 2_000, pingIntervalMs: 2_000 });
  const request = SubscribeRequest.fromPartial({
    accounts: { venues: { owner: [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID] }, tokens: { owner: [TOKEN_PROGRAM_ID] } },
    transactions: { trades: { vote: false, failed: false, accountInclude: [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID] } },
    slots: { slots: {} },
  });
  return {
    server,
    endpoint: server.endpoint,
    request,
    usd: (quoteMint, tsEvent) => (quoteMint === WSOL_MINT ? (usdByStep.get(Math.floor(tsEvent / stepMs)) ?? null) : null),
    symbol: (mint) => symbols.get(mint) ?? null,
    stats: () => ({ published, epoch, step: stepNo, simTimeMs, resumedAt }),
    close: async () => {
      closed = true;
      await server.close();
      await save(true);
    },
  };
}
