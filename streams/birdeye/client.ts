/**
 * Raw Birdeye endpoints, named after them. Every call waits for the API's token bucket, decodes
 * the body with its Schema, classifies failures (errors.ts) and retries the retryable ones on the
 * named Schedule. Needs an `HttpClient` (FetchHttpClient.layer live and against the loopback).
 */
import { Effect, Schema } from "effect";
import { HttpClient, HttpClientResponse } from "effect/http";
import { seededRng } from "../../core/random.js";
import { TokenBucket } from "../pollers/token-bucket.js";
import { restRetrySchedule, type RetryPolicy } from "../pollers/retry.js";
import { BirdeyeRequestError, classifyStatus } from "./errors.js";
import { BIRDEYE_RETRY } from "./retry.js";
import { envelope, OhlcvData, OverviewData, TrendingData } from "./wire.js";

export interface BirdeyeClientConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly requestsPerSecond: number;
  readonly retry?: RetryPolicy;
  readonly seed?: number;
}

export interface BirdeyeStats {
  requests: number;
  retries: number;
  rateLimited: number;
  decodeErrors: number;
}

export function makeBirdeyeClient(config: BirdeyeClientConfig, stats: BirdeyeStats = { requests: 0, retries: 0, rateLimited: 0, decodeErrors: 0 }) {
  const bucket = new TokenBucket(config.requestsPerSecond);
  const schedule = restRetrySchedule<BirdeyeRequestError>(config.retry ?? BIRDEYE_RETRY, seededRng(config.seed ?? 1), () => void stats.retries++);

  const call = <S extends Schema.Top>(endpoint: string, params: Record<string, string>, data: S) => {
    const decode = HttpClientResponse.schemaBodyJson(envelope(data));
    const once = Effect.gen(function* () {
      yield* bucket.take;
      stats.requests++;
      const res = yield* HttpClient.get(`${config.baseUrl}${endpoint}`, {
        urlParams: params,
        headers: { "X-API-KEY": config.apiKey, "x-chain": "solana", accept: "application/json" },
      }).pipe(Effect.mapError((e) => new BirdeyeRequestError({ endpoint, reason: "transport", status: 0, detail: e.message, retryable: true })));
      if (res.status !== 200) {
        if (res.status === 429) stats.rateLimited++;
        return yield* Effect.fail(classifyStatus(endpoint, res.status, res.headers["retry-after"], `HTTP ${res.status}`));
      }
      const body = yield* decode(res).pipe(
        Effect.mapError((e) => {
          stats.decodeErrors++;
          return new BirdeyeRequestError({ endpoint, reason: "decode", status: 200, detail: String(e), retryable: true });
        }),
      );
      if (!body.success || body.data === undefined) {
        return yield* Effect.fail(new BirdeyeRequestError({ endpoint, reason: "api", status: 200, detail: body.message ?? "success: false", retryable: false }));
      }
      return body.data as S["Type"];
    });
    return once.pipe(Effect.retry(schedule));
  };

  return {
    stats,
    bucket,
    tokenTrending: Effect.fn("Birdeye.tokenTrending")(function* (p: { offset: number; limit: number; sortBy?: "rank" | "volumeUSD" | "liquidity" }) {
      return yield* call("/defi/token_trending", { sort_by: p.sortBy ?? "rank", sort_type: "asc", offset: String(p.offset), limit: String(p.limit) }, TrendingData);
    }),
    tokenOverview: Effect.fn("Birdeye.tokenOverview")(function* (address: string) {
      return yield* call("/defi/token_overview", { address }, OverviewData);
    }),
    ohlcv: Effect.fn("Birdeye.ohlcv")(function* (p: { address: string; type: string; timeFrom: number; timeTo: number }) {
      return yield* call("/defi/ohlcv", { address: p.address, type: p.type, currency: "usd", time_from: String(p.timeFrom), time_to: String(p.timeTo) }, OhlcvData);
    }),
  };
}

export type BirdeyeClient = ReturnType<typeof makeBirdeyeClient>;
