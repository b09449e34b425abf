import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { BarRow, TokenRow } from "../../runtime/storage/storage.js";
import { LAMPORTS_PER_SOL, PUMP_MIGRATION_TOKEN } from "./constants.js";
import type { SimEvent } from "./events.js";
import { simulateMarket, type SimMarket, type SimStep } from "./market.js";
import { summarize } from "./summary.js";

function digest(m: SimMarket): string {
  const h = createHash("sha256");
  for (const s of m.steps()) {
    for (const e of s.events) h.update(JSON.stringify(e));
    for (const b of s.bars) h.update(JSON.stringify(b));
    for (const t of s.tokens) h.update(JSON.stringify(t));
  }
  return h.digest("hex");
}

/** An aggregation written apart from BarAggregator: group trades by (mint, minute), then fold. */
function aggregate(events: readonly SimEvent[], intervalS: number): BarRow[] {
  const groups = new Map<string, SimEvent[]>();
  for (const e of events) {
    const ts = Math.floor(e.tsMs / 1000 / intervalS) * intervalS;
    const key = `${ts}|${e.mint}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  const rows: BarRow[] = [];
  for (const [key, g] of groups) {
    const trades = g.filter((e) => e.kind === "trade");
    if (trades.length === 0) continue;
    const usd = trades.map((e) => e.price * e.solUsd);
    const last = g[g.length - 1] as SimEvent;
    let volume = 0;
    for (const e of trades) volume += (e.solAmount / LAMPORTS_PER_SOL) * e.solUsd;
    rows.push({
      interval_s: intervalS,
      mint: key.split("|")[1] as string,
      ts: Number(key.split("|")[0]),
      open: usd[0] as number,
      high: Math.max(...usd),
      low: Math.min(...usd),
      close: usd[usd.length - 1] as number,
      volume,
      liquidity: (2 * last.realSolReserve * last.solUsd) / LAMPORTS_PER_SOL,
      fdv: last.price * last.solUsd * 1e9,
      trades: trades.length,
      lowprec: 0,
      source: "sim",
      version: 1,
    });
  }
  return rows;
}

/** Collects broken invariants; one assertion at the end keeps 100k checks fast. */
class Violations {
  readonly list: string[] = [];
  check(ok: boolean, what: () => string): void {
    if (!ok && this.list.length < 5) this.list.push(what());
  }
}

const byKey = (a: BarRow, b: BarRow): number => a.ts - b.ts || (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0);

describe("simulateMarket: determinism", () => {
  it("the same seed gives the same stream, twice from one market and from a new one; another seed differs", () => {
    const opts = { seed: 7, tokens: 12, days: 0.25 };
    const m = simulateMarket(opts);
    const a = digest(m);
    expect(digest(m)).toBe(a);
    expect(digest(simulateMarket(opts))).toBe(a);
    expect(digest(simulateMarket({ ...opts, seed: 8 }))).not.toBe(a);
  });
});

describe("simulateMarket: a mid-size universe (40 tokens, 1 day of 1-minute bars)", () => {
  const market = simulateMarket({ seed: 1, tokens: 40, days: 1 });
  const steps: SimStep[] = [];
  let events: SimEvent[] = [];
  let bars: BarRow[] = [];
  let tokens: TokenRow[] = [];
  const progress: number[] = [];
  beforeAll(() => {
    const it = market.steps({ onProgress: (f) => progress.push(f) });
    for (let r = it.next(); !r.done; r = it.next()) steps.push(r.value);
    events = steps.flatMap((s) => [...s.events]);
    bars = steps.flatMap((s) => [...s.bars]);
    tokens = steps.flatMap((s) => [...s.tokens]);
  });

  it("streams in time order: slots never go back, 400 ms per slot from startTs, each step inside its bounds", () => {
    const o = market.options;
    expect(steps).toHaveLength(1440);
    const v = new Violations();
    let slot = -1;
    for (const s of steps) {
      for (const e of s.events) {
        v.check(e.slot >= slot, () => `slot ${e.slot} after ${slot}`);
        slot = e.slot;
        v.check(e.tsMs === o.startTs * 1000 + (e.slot - o.startSlot) * 400, () => `ts ${e.tsMs} of slot ${e.slot}`);
        v.check(e.tsMs >= s.startMs && e.tsMs < s.endMs, () => `ts ${e.tsMs} outside step ${s.index}`);
      }
    }
    expect(v.list).toEqual([]);
    expect(events.length).toBeGreaterThan(20_000);
  });

  it("gives every event a distinct base58 signature and every token a pump-style mint", () => {
    const base58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
    const sigs = new Set(events.map((e) => e.signature));
    expect(sigs.size).toBe(events.length);
    for (const e of events.slice(0, 2000)) {
      expect(e.signature).toHaveLength(88);
      expect(e.signature).toMatch(base58);
    }
    for (const t of market.tokenRows) {
      expect(t.mint).toHaveLength(44);
      expect(t.mint).toMatch(base58);
      expect(t.mint.endsWith("pump")).toBe(true);
    }
    expect(new Set(market.tokenRows.map((t) => t.mint)).size).toBe(40);
  });

  it("bars are exactly an independent aggregation of the events", () => {
    const expected = aggregate(events, 60).sort(byKey);
    expect([...bars].sort(byKey)).toEqual(expected);
  });

  it("keeps reserves positive, prices finite, and the product from falling except by a rug", () => {
    const v = new Violations();
    const lastK = new Map<string, number>();
    let rugs = 0;
    for (const e of events) {
      const at = (): string => `${e.kind} ${e.signature}`;
      v.check(Number.isSafeInteger(e.solReserve) && Number.isSafeInteger(e.tokenReserve), () => `non-integer reserves: ${at()}`);
      v.check(e.solReserve > 0 && e.tokenReserve > 0, () => `empty reserve: ${at()}`);
      v.check(e.realSolReserve >= 0 && e.realTokenReserve >= 0, () => `negative real reserve: ${at()}`);
      v.check(Number.isFinite(e.price) && e.price > 0, () => `bad price ${e.price}: ${at()}`);
      const k = e.solReserve * e.tokenReserve;
      const prev = lastK.get(e.mint);
      if (e.kind === "trade" && prev !== undefined) v.check(k / prev >= 1 - 1e-12, () => `product fell ${k / prev}: ${at()}`);
      if (e.kind === "rug" && prev !== undefined) {
        rugs++;
        v.check(k / prev < 0.01, () => `rug kept ${k / prev} of the product: ${at()}`);
      }
      if (e.kind === "trade") {
        v.check(e.solAmount > 0 && e.tokenAmount > 0 && e.feeLamports >= 0, () => `bad amounts: ${at()}`);
      }
      lastK.set(e.mint, k);
    }
    expect(v.list).toEqual([]);
    expect(rugs).toBeGreaterThanOrEqual(1);
  });

  it("moves curve reserves by exactly the traded amounts", () => {
    const v = new Violations();
    const prev = new Map<string, SimEvent>();
    let checked = 0;
    for (const e of events) {
      const p = prev.get(e.mint);
      if (e.kind === "trade" && e.venue === "pumpfun" && p && p.venue === "pumpfun") {
        const sign = e.side === "buy" ? 1 : -1;
        v.check(
          e.solReserve - p.solReserve === sign * e.solAmount &&
            e.tokenReserve - p.tokenReserve === -sign * e.tokenAmount &&
            e.realSolReserve - p.realSolReserve === sign * e.solAmount &&
            e.realTokenReserve - p.realTokenReserve === -sign * e.tokenAmount,
          () => `reserves do not match ${e.signature}`,
        );
        checked++;
      }
      prev.set(e.mint, e);
    }
    expect(v.list).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it("produces well-formed bars", () => {
    expect(bars.length).toBeGreaterThan(5000);
    const v = new Violations();
    for (const b of bars) {
      const at = (): string => `${b.mint}@${b.ts}`;
      for (const x of [b.open, b.high, b.low, b.close, b.liquidity ?? NaN, b.fdv ?? NaN]) {
        v.check(Number.isFinite(x) && x > 0, () => `non-positive value ${x}: ${at()}`);
      }
      v.check(b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close), () => `bad range: ${at()}`);
      v.check(b.volume >= 0 && b.trades >= 1 && b.ts % 60 === 0, () => `bad volume/trades/ts: ${at()}`);
      v.check(b.interval_s === 60 && b.lowprec === 0 && b.source === "sim" && b.version === 1, () => `bad constants: ${at()}`);
    }
    expect(v.list).toEqual([]);
  });

  it("migrates completed curves into PumpSwap pools at about 85 SOL", () => {
    const migrations = events.filter((e) => e.kind === "migrate");
    expect(migrations.length).toBeGreaterThanOrEqual(1);
    for (const mg of migrations) {
      expect(mg.realSolReserve / LAMPORTS_PER_SOL).toBeGreaterThan(84.9);
      expect(mg.realSolReserve / LAMPORTS_PER_SOL).toBeLessThan(85.1);
      expect(mg.tokenReserve).toBe(PUMP_MIGRATION_TOKEN);
      const plan = market.plans.find((p) => p.mint === mg.mint);
      expect(mg.pool).toBe(plan?.migrationPool);
      const after = events.filter((e) => e.mint === mg.mint && e.tsMs > mg.tsMs);
      expect(after.every((e) => e.venue === "pumpswap")).toBe(true);
      expect(tokens.some((t) => t.mint === mg.mint && t.dex === "pumpswap" && t.version === 2)).toBe(true);
    }
  });

  it("rugs: liquidity pulled to near nothing, price crashes, trading stops", () => {
    const rugs = events.filter((e) => e.kind === "rug");
    expect(rugs.length).toBeGreaterThanOrEqual(1);
    for (const r of rugs) {
      expect(r.venue).toBe("raydium");
      expect(r.realSolReserve / (r.realSolReserve + (r.kind === "rug" ? r.removedSol : 0))).toBeLessThan(0.02);
      const mintBars = bars.filter((b) => b.mint === r.mint);
      const rugBar = mintBars.findIndex((b) => b.ts === Math.floor(r.tsMs / 60_000) * 60);
      expect(rugBar).toBe(mintBars.length - 1);
      const before = mintBars[rugBar - 1] as BarRow;
      const at = mintBars[rugBar] as BarRow;
      expect((at.liquidity ?? 0) / (before.liquidity ?? 1)).toBeLessThan(0.05);
      expect(at.close / before.close).toBeLessThan(0.5);
      expect(events.some((e) => e.mint === r.mint && e.tsMs >= (Math.floor(r.tsMs / 60_000) + 1) * 60_000)).toBe(false);
    }
  });

  it("has pumps, dumps, volume bursts, fat tails, and liquidity and FDV that move bar by bar", () => {
    const series = new Map<string, BarRow[]>();
    for (const b of bars) {
      const s = series.get(b.mint);
      if (s) s.push(b);
      else series.set(b.mint, [b]);
    }
    let pumps = 0;
    let dumps = 0;
    let bursts = 0;
    let pairs = 0;
    let moved = 0;
    const rets: number[] = [];
    for (const s of series.values()) {
      const vols = s.map((b) => b.volume).sort((a, b) => a - b);
      const median = vols[Math.floor(vols.length / 2)] ?? 0;
      for (let i = 0; i < s.length; i++) {
        const b = s[i] as BarRow;
        if (b.volume > 10 * median) bursts++;
        const next = s[i + 1];
        if (!next) continue;
        pairs++;
        if (next.liquidity !== b.liquidity && next.fdv !== b.fdv) moved++;
        if (next.ts === b.ts + 60) rets.push(Math.log(next.close / b.close));
        const ahead = s.slice(i + 1, i + 4).filter((n) => n.ts <= b.ts + 180);
        if (ahead.some((n) => n.close >= 2 * b.close)) pumps++;
        if (ahead.some((n) => n.close <= 0.5 * b.close && (n.liquidity ?? 0) > 0.2 * (b.liquidity ?? 0))) dumps++;
      }
    }
    expect(pumps).toBeGreaterThanOrEqual(1);
    expect(dumps).toBeGreaterThanOrEqual(1);
    expect(bursts).toBeGreaterThanOrEqual(10);
    expect(moved / pairs).toBeGreaterThan(0.9);
    const n = rets.length;
    const mean = rets.reduce((a, r) => a + r, 0) / n;
    const m2 = rets.reduce((a, r) => a + (r - mean) ** 2, 0) / n;
    const m4 = rets.reduce((a, r) => a + (r - mean) ** 4, 0) / n;
    expect(m4 / (m2 * m2) - 3).toBeGreaterThan(3);
  });

  it("launches every token once, with rows matching the launch events, and reports progress to 1", () => {
    const launches = events.filter((e) => e.kind === "launch");
    expect(launches).toHaveLength(40);
    expect(tokens.filter((t) => t.version === 1)).toEqual(market.tokenRows);
    for (const l of launches) {
      const row = market.tokenRows.find((t) => t.mint === l.mint);
      expect(row?.created_ts).toBe(Math.floor(l.tsMs / 1000));
      expect(row?.pool).toBe(l.pool);
      expect(row?.dex).toBe(l.venue);
    }
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.length).toBeLessThanOrEqual(101);
    expect(progress.every((f, i) => i === 0 || f > (progress[i - 1] as number))).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it("summarises what the stream holds", () => {
    const s = summarize(market);
    expect(s).toMatchObject({
      tokens: 40,
      launched: 40,
      migrated: events.filter((e) => e.kind === "migrate").length,
      rugged: events.filter((e) => e.kind === "rug").length,
      steps: 1440,
      bars: bars.length,
      events: events.length,
      trades: events.filter((e) => e.kind === "trade").length,
      startMs: market.startMs,
      endMs: market.endMs,
      spanS: 86_400,
      firstEventMs: events[0]?.tsMs,
      lastEventMs: events[events.length - 1]?.tsMs,
    });
    expect(s.volumeUsd).toBeGreaterThan(0);
  });
});

describe("simulateMarket: options", () => {
  it("keeps SOL/USD constant with dailyVol 0 and walks it slowly by default", () => {
    const flat = new Set<number>();
    for (const s of simulateMarket({ seed: 3, tokens: 2, bars: 300, solUsd: { start: 200, dailyVol: 0 } }).steps()) flat.add(s.solUsd);
    expect([...flat]).toEqual([200]);
    const walk: number[] = [];
    for (const s of simulateMarket({ seed: 3, tokens: 2, bars: 1440 }).steps()) walk.push(s.solUsd);
    expect(new Set(walk).size).toBeGreaterThan(1000);
    expect(Math.max(...walk) / Math.min(...walk)).toBeLessThan(1.3);
  });

  it("honours barIntervalS, bars and startTs", () => {
    const m = simulateMarket({ seed: 2, tokens: 5, bars: 48, barIntervalS: 300, startTs: 1_700_000_100 });
    const steps = [...m.steps()];
    expect(steps).toHaveLength(48);
    expect(m.endMs - m.startMs).toBe(48 * 300_000);
    const bars = steps.flatMap((s) => [...s.bars]);
    expect(bars.length).toBeGreaterThan(0);
    for (const b of bars) {
      expect(b.interval_s).toBe(300);
      expect(b.ts % 300).toBe(0);
    }
    const events = steps.flatMap((s) => [...s.events]);
    expect(events[0]?.tsMs).toBeGreaterThanOrEqual(1_700_000_100_000);
    expect([...bars].sort(byKey)).toEqual(aggregate(events, 300).sort(byKey));
  });

  it("streams events and bars through iterators and callbacks alike", () => {
    const m = simulateMarket({ seed: 5, tokens: 6, bars: 120 });
    const evs: SimEvent[] = [];
    const bs: BarRow[] = [];
    const summary = m.run({ onEvent: (e) => evs.push(e), onBar: (b) => bs.push(b) });
    expect([...m.events()]).toEqual(evs);
    expect([...m.bars()]).toEqual(bs);
    expect(summary.events).toBe(evs.length);
  });

  it("rejects bad options with a clear error", () => {
    expect(() => simulateMarket({ barIntervalS: 0 })).toThrow(/barIntervalS/);
    expect(() => simulateMarket({ days: -1 })).toThrow(/days/);
    expect(() => simulateMarket({ plantedSignal: { strength: 3 } })).toThrow(/strength/);
    expect(() => simulateMarket({ tokens: 1.5 })).toThrow(/tokens/);
  });
});
