/**
 * Deterministic sample data for the fake control port: a paper daemon with four positions in
 * different machine states, a trade log, a scanner universe and a training run. Test data only.
 */
import type {
  DaemonStatus, PnlDistribution, PositionDetail, ScannerRow, StrategyView, TradeView, TrainingProgress, TransitionRecord,
} from "./control-port.js";
import { unrealisedPnl } from "./pnl.js";

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** A small LCG: the same universe every run, no Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const path = (steps: readonly (readonly [to: string, event: string, reason: string])[], start: number): TransitionRecord[] =>
  steps.map(([to, event, reason], i) => ({
    seq: i + 1, from: i === 0 ? null : steps[i - 1]![0], to, event, reason, ts: start + i * 3 * MIN,
  }));

interface Seed {
  readonly id: string;
  readonly symbol: string;
  readonly entry: number;
  readonly price: number;
  readonly peak: number;
  readonly qty: number;
  readonly cost: number;
  readonly realised: number;
  readonly steps: readonly (readonly [string, string, string])[];
}

const SEEDS: readonly Seed[] = [
  {
    id: "pos-0001", symbol: "BONK2", entry: 0.00002, price: 0.0000208, peak: 0.0000211, qty: 100_000, cost: 2, realised: 0,
    steps: [["entering", "xstate.init", "opened"], ["open", "xstate.done.actor.buy", "bought"]],
  },
  {
    id: "pos-0002", symbol: "WIFHAT", entry: 0.0005, price: 0.000532, peak: 0.00054, qty: 4000, cost: 2, realised: 0,
    steps: [["entering", "xstate.init", "opened"], ["open", "xstate.done.actor.buy", "bought"], ["trailing", "price.tick", "trailing_armed"]],
  },
  {
    id: "pos-0003", symbol: "PEPE3", entry: 0.0004, price: 0.0012, peak: 0.0013, qty: 2000, cost: 0, realised: 2.6,
    steps: [
      ["entering", "xstate.init", "opened"], ["open", "xstate.done.actor.buy", "bought"], ["tp1", "price.tick", "tp1"],
      ["open", "xstate.done.actor.sell", "tp1_filled"], ["moonbag.recovering", "price.tick", "moonbag"],
      ["moonbag.running", "xstate.done.actor.sell", "moonbag_recovered"],
    ],
  },
  {
    id: "pos-0004", symbol: "DOGX", entry: 0.0001, price: 0.00009, peak: 0.000102, qty: 20_000, cost: 2, realised: 0,
    steps: [["entering", "xstate.init", "opened"], ["open", "xstate.done.actor.buy", "bought"], ["exiting", "price.tick", "stop_loss"]],
  },
];

export function samplePositions(): PositionDetail[] {
  return SEEDS.map((s, i) => {
    const opened = T0 - (SEEDS.length - i) * 40 * MIN;
    const transitions = path(s.steps, opened);
    const last = transitions[transitions.length - 1]!;
    const pnl = unrealisedPnl({ qty: s.qty, costSol: s.cost, currentPrice: s.price });
    return {
      id: s.id, mint: `${s.symbol}mint${"1".repeat(32 - s.symbol.length)}`, symbol: s.symbol, state: last.to, reason: last.reason,
      entryPrice: s.entry, currentPrice: s.price, peakPrice: s.peak, qty: s.qty, costSol: s.cost, realisedSol: s.realised,
      unrealisedPnlSol: pnl.sol, unrealisedPnlPct: pnl.pct, openedAt: opened, updatedAt: last.ts, transitions,
    };
  });
}

export function sampleTrades(): TradeView[] {
  const symbols = ["BONK2", "WIFHAT", "PEPE3", "DOGX", "MOODENG", "GIGA", "POPCAT", "MEW"];
  const rnd = lcg(7);
  return symbols.flatMap((symbol, i): TradeView[] => {
    const price = 0.0001 * (1 + rnd() * 9);
    const qty = 2 / price;
    const exit = 0.7 + rnd() * 0.9;
    const base = { positionId: `pos-${1001 + i}`, mint: `${symbol}mint`, symbol, qty };
    return [
      { ...base, id: `t${i}b`, side: "buy", kind: "entry", sol: 2, price, signature: `sig${i}b`, reason: "signal", ts: T0 - (60 - i * 6) * MIN },
      ...(i < 4
        ? []
        : [{ ...base, id: `t${i}s`, side: "sell" as const, kind: "exit" as const, sol: 2 * exit, price: price * exit, signature: `sig${i}s`, reason: exit > 1 ? "trailing_stop" : "stop_loss", ts: T0 - (57 - i * 6) * MIN }]),
    ];
  }).sort((a, b) => b.ts - a.ts);
}

/** The universe, with the held tokens among it (the dashboard marks those). */
export function sampleScanner(n = 30): ScannerRow[] {
  const rnd = lcg(42);
  const held = samplePositions();
  return Array.from({ length: n }, (_, i) => {
    const liquidityUsd = 10 ** (4.5 + rnd() * 2.5);
    return {
      mint: held[i]?.mint ?? `mint${i}`, symbol: held[i]?.symbol ?? `TKN${i}`, liquidityUsd,
      volumeUsd: liquidityUsd * 10 ** (rnd() * 2 - 0.5), fdvUsd: liquidityUsd * (5 + rnd() * 50), ts: T0 - Math.floor(rnd() * 5) * MIN,
    };
  });
}

export function samplePnl(): PnlDistribution {
  const counts = [1, 3, 6, 9, 5, 4, 2, 1];
  return {
    closedPositions: counts.reduce((a, b) => a + b, 0), realisedSol: 1.84, winRate: 12 / 31,
    buckets: counts.map((count, i) => ({ fromPct: -40 + i * 10, toPct: -30 + i * 10, count })),
  };
}

export function sampleTraining(): TrainingProgress {
  const history = Array.from({ length: 60 }, (_, i) => ({ step: i * 5, bestScore: 1.8 * (1 - Math.exp(-i / 15)), meanScore: -2 + 2.4 * (1 - Math.exp(-i / 25)) }));
  const last = history[history.length - 1]!;
  return { running: true, step: last.step, totalSteps: 1000, bestScore: last.bestScore, bestInfix: "((RET * LOG_VOL) + PRESSURE)", updatedAt: T0, history };
}

export function sampleStrategy(): StrategyView {
  return {
    id: "strat-2025-01-15-a", tokens: ["RET", "LOG_VOL", "MUL", "PRESSURE", "ADD"], infix: "((RET * LOG_VOL) + PRESSURE)",
    createdAt: T0 - 120 * MIN, activatedAt: T0 - 100 * MIN,
    metrics: [
      { split: "train", metrics: { score: 1.92, sharpe: 2.4, trades: 412, winRate: 0.41 } },
      { split: "validation", metrics: { score: 1.31, sharpe: 1.7, trades: 118, winRate: 0.38 } },
      { split: "test", metrics: { score: 1.12, sharpe: 1.5, trades: 97, winRate: 0.37 } },
    ],
  };
}

export function sampleStatus(positions: number): DaemonStatus {
  const training = sampleTraining();
  const { history: _history, ...trainingSummary } = training;
  return {
    mode: "paper", state: "running", entriesEnabled: true, walletBalanceSol: 12.3456, openPositions: positions, maxPositions: 5,
    feeds: [{ name: "geyser", stalenessMs: 180 }, { name: "birdeye", stalenessMs: 4200 }],
    children: [
      { name: "ingest", state: "running", restarts: 0, lastError: null },
      { name: "scorer", state: "running", restarts: 0, lastError: null },
      { name: "trainer", state: "running", restarts: 1, lastError: "worker exited with code 1" },
      { name: "executor", state: "running", restarts: 0, lastError: null },
    ],
    strategy: { id: "strat-2025-01-15-a", infix: "((RET * LOG_VOL) + PRESSURE)", activatedAt: T0 - 100 * MIN, validationScore: 1.31 },
    training: trainingSummary, ts: T0,
  };
}
