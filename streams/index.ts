/**
 * Market data streams: sources (Geyser, PubSub, REST pollers), decoders (pump.fun, PumpSwap,
 * Raydium AMM v4 and CPMM, SPL), operators (dedupe, decode, coalesce, bars, sink) and row mappers.
 */
export type * from "./types.js";
export { MarketDecoder, PoolRegistry, DecodeStats, MarketDecodeError, pumpCurveAddress } from "./decoders/index.js";
export { BarBook, type BarOptions, type BarOutput, type BarStats } from "./bars/bar-book.js";
export * from "./operators/index.js";
export { barsFromFeed, type BarPipelineOptions } from "./pipeline.js";
export { barRows, lateEventRows, priceTickRow, eventRow, type PriceTickRow, type FeedEventRow } from "./sinks/rows.js";
export { geyserSource, newGeyserSourceStats, type GeyserSourceOptions, type GeyserSourceStats } from "./sources/geyser.js";
export { pubsubSource, newPubSubSourceStats, type PubSubSourceOptions, type PubSubSourceStats } from "./sources/pubsub.js";
export { GeyserConnectionError, GeyserDecodeError } from "./geyser/errors.js";
export { PubSubConnectionError, PubSubDecodeError } from "./pubsub/errors.js";
export { poll, type PollResult, type PollStats } from "./pollers/poll.js";
export { TokenBucket } from "./pollers/token-bucket.js";
