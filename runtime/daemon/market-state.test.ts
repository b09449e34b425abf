/** What the trading path knows about the market: pools from ticks, and config onto the trading core's parameters. */
import { describe, expect, it } from "vitest";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import { defaultConfig, loadConfig } from "../../config/index.js";
import { DEFAULT_POSITION_PARAMS } from "../../machines/position.params.js";
import type { PriceTick } from "../../streams/types.js";
import { MarketState } from "./market-state.js";
import { positionParamsFrom, riskParamsFrom } from "./params.js";

const tick = (over: Partial<PriceTick> = {}): PriceTick => ({
  kind: "price", mint: "M", pool: "P", dex: "pumpswap", quoteMint: WSOL_MINT, slot: 1, writeVersion: 1, tsEvent: 1_000, tsInit: 1_000,
  price: 0.000_002, liquidity: 80, fdv: 2_000, ...over,
});

describe("MarketState", () => {
  it("prices a pool from the latest SOL-quoted tick: half the liquidity in SOL, tokens at the price, the venue's fee", () => {
    const m = new MarketState();
    expect(m.onTick(tick(), 5)).toBe(true);
    expect(m.riskPool("M")).toEqual({ reserveSol: 40, reserveToken: 40 / 0.000_002, feeBps: 25 });
    expect(m.simMarket().pool("M")).toEqual({ sol: 40_000_000_000n, token: 20_000_000n * 1_000_000n, feeBps: 25 });
    expect(m.quote("M")?.seenAt).toBe(5);
  });

  it("keeps no pool for ticks it cannot trade on", () => {
    const m = new MarketState();
    expect(m.onTick(tick({ quoteMint: "USDC" }), 1)).toBe(false);
    expect(m.onTick(tick({ mint: "Z", price: 0 }), 1)).toBe(false);
    expect(m.onTick(tick({ mint: "L", liquidity: 0 }), 1)).toBe(true);
    expect([m.riskPool("M"), m.riskPool("Z"), m.riskPool("L")]).toEqual([undefined, undefined, undefined]);
  });

  it("stays bounded, forgetting the mints seen longest ago", () => {
    const m = new MarketState(2);
    for (const mint of ["A", "B", "C"]) m.onTick(tick({ mint }), 1);
    expect([m.quote("A"), m.size]).toEqual([undefined, 2]);
  });
});

describe("config onto the trading core", () => {
  const config = loadConfig({ env: {}, overrides: { dataDir: "/tmp/x", "strategy.timeLimitS": 600, "risk.minLiquidityUsd": 1_500, "backtest.solUsd": 150 } }).config;

  it("maps strategy.* onto the position machine's exit rules", () => {
    const p = positionParamsFrom(config);
    expect(p).toMatchObject({ stopLossPct: -0.05, tp1Gain: 0.1, tp1Fraction: 0.5, trailingActivation: 0.05, trailingDrop: 0.03, moonbagMultiple: 2, moonbagTrailingDrop: 0.25, moonbagMaxAgeMs: 86_400_000, maxHoldMs: 600_000 });
    expect(p.aiExitBelow).toEqual({ open: 0.45, trailing: 0.45, moonbag: null });
    expect(positionParamsFrom({ ...config, strategy: { ...config.strategy, timeLimitS: 0, sellThreshold: 0 } })).toMatchObject({ maxHoldMs: null, aiExitBelow: { open: null, trailing: null, moonbag: null } });    // The default config is the machine's own defaults (no time limit).
    expect(positionParamsFrom(defaultConfig)).toEqual({ ...DEFAULT_POSITION_PARAMS, maxHoldMs: null });
  });

  it("maps risk.* onto the entry checks, liquidity converted to SOL at backtest.solUsd", () => {
    expect(riskParamsFrom(config)).toMatchObject({ maxOpenPositions: 3, minLiquiditySol: 10, maxPriceImpact: 0.02, minEntrySol: 0.05, maxTokenExposureSol: 2, maxTotalExposureSol: 6, cooldownMs: 3_600_000, dailyLossLimitSol: 2 });
  });
});
