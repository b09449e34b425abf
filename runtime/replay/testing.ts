/**
 * Shared fixtures for the replay tests and bench: a small simulated market that trades (the
 * planted signal on, the daemon's default formula that reads it), a config that opens and
 * closes positions in an hour of it, and a constant SOL/USD (a recording does not store SOL/USD:
 * both the paper session and its replay value bars at the same price). Never wired in runtime.
 */
import { DEFAULT_ALPHA_PARAMS } from "../../alpha/index.js";
import { defaultConfig, type AppConfig } from "../../config/index.js";
import type { SimOptions } from "../../testkit/sim/index.js";
import { fixedUsd } from "../ingest/sol-usd.js";
import type { ReplayStrategy } from "./driver.js";

export const TEST_SOL_USD = 150;

export const testUsd = fixedUsd(TEST_SOL_USD).usd;

/** The daemon's default strategy (runtime/daemon/strategy.ts DEFAULT_FORMULA). */
export const testStrategy: ReplayStrategy & { readonly infix: string } = { rpn: "PRESSURE PRESSURE ADD", params: DEFAULT_ALPHA_PARAMS, infix: "PRESSURE + PRESSURE" };

export function testSim(o: Partial<SimOptions> = {}): SimOptions {
  return { seed: 3, tokens: 20, bars: 240, barIntervalS: 60, plantedSignal: { strength: 1 }, solUsd: { start: TEST_SOL_USD, dailyVol: 0 }, ...o };
}

/** The default config with a time limit and short cooldown, so clock ticks and timers matter too. */
export function testConfig(o: { strategy?: Partial<AppConfig["strategy"]>; risk?: Partial<AppConfig["risk"]> } = {}): AppConfig {
  return {
    ...defaultConfig,
    dataDir: "/nonexistent-replay-test",
    strategy: { ...defaultConfig.strategy, timeLimitS: 900, maxOpenPositions: 4, ...o.strategy },
    risk: { ...defaultConfig.risk, cooldownS: 120, ...o.risk },
    backtest: { ...defaultConfig.backtest, solUsd: TEST_SOL_USD },
  };
}
