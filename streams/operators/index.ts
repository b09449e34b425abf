export { dedupeFeed, type DedupeOptions, type DedupeStats } from "./dedupe-feed.js";
export { decodeMarket } from "./decode-market.js";
export { coalesceLatest, type CoalesceOptions, type CoalesceStats } from "./coalesce-latest.js";
export { aggregateBars, type AggregateBarsOptions } from "./aggregate-bars.js";
export { sinkTo, type RowWriter, type SinkOptions, type SinkStats } from "./sink.js";
export { coalesceMarket } from "./coalesce-market.js";
