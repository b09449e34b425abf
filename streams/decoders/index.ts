export { MarketDecodeError } from "./errors.js";
export { DecodeStats } from "./stats.js";
export { PoolRegistry, pumpCurveAddress } from "./registry.js";
export { PoolTracker } from "./pool-tracker.js";
export { tradesFromTransaction } from "./trades.js";
export { MarketDecoder } from "./market-decoder.js";
