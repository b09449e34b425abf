/**
 * The simulated meme market: a seeded Solana meme-token universe (pump.fun curves migrating to
 * PumpSwap, rug-prone Raydium launches, a trader population with pumps, dumps, bursts and rugs),
 * streamed as chain events and as OHLCV bars. See README.md.
 */
export { simulateMarket } from "./market.js";
export type { SimMarket, SimStep, SimHandlers, SimIterateOptions } from "./market.js";
export type { SimOptions, PlantedSignalOptions, SolUsdOptions, ResolvedSimOptions } from "./options.js";
export { SIM_DEFAULTS, resolveOptions } from "./options.js";
export type {
  SimEvent,
  SimLaunchEvent,
  SimTradeEvent,
  SimMigrateEvent,
  SimRugEvent,
  SimVenue,
  SimFlow,
} from "./events.js";
export { eventLiquidityUsd } from "./events.js";
export { BarAggregator } from "./bars.js";
export { summarize, SimSummaryBuilder } from "./summary.js";
export type { SimSummary } from "./summary.js";
export { PLANTED_SIGNAL_FORMULA, barPressure } from "./signal.js";
export type { TokenPlan } from "./roster.js";
export * from "./constants.js";
