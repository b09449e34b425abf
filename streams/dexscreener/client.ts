/**
 * Raw DexScreener endpoints: `tokensV1` (≤30 addresses a call). Token bucket at the documented
 * 300 requests a minute by default, Schema-decoded bodies, retries on the shared Schedule.
 */
import { Effect } from "effect";
import { HttpClient, HttpClientResponse } from "effect/http";
import { seededRng } from "../../core/random.js";
import { restRetrySchedule, type RetryPolicy } from "../pollers/retry.js";
import { TokenBucket } from "../pollers/token-bucket.js";
import { classifyStatus, DexScreenerRequestError } from "./errors.js";
import { PairArray } from "./wire.js";

export interface DexScreenerClientConfig {
  readonly baseUrl: string;
  readonly requestsPerMinute: number;
  readonly retry?: RetryPolicy;
  readonly seed?: number;
}

export interface DexScreenerStats {
  requests: number;
  retries: number;
  decodeErrors: number;
}

export const DEXSCREENER_RETRY: RetryPolicy = { baseMs: 500, maxDelayMs: 15_000, maxRetries: 6 };
export const MAX_ADDRESSES = 30;

export function makeDexScreenerClient(config: DexScreenerClientConfig, stats: DexScreenerStats = { requests: 0, retries: 0, decodeErrors: 0 }) {
  const bucket = new TokenBucket(config.requestsPerMinute / 60);
  const schedule = restRetrySchedule<DexScreenerRequestError>(config.retry ?? DEXSCREENER_RETRY, seededRng(config.seed ?? 1), () => void stats.retries++);
  const decode = HttpClientResponse.schemaBodyJson(PairArray);
  return {
    stats,
    tokensV1: Effect.fn("DexScreener.tokensV1")(function* (chainId: string, addresses: readonly string[]) {
      if (addresses.length === 0 || addresses.length > MAX_ADDRESSES) return yield* Effect.die(new RangeError(`1..${MAX_ADDRESSES} addresses, got ${addresses.length}`));
      const endpoint = `/tokens/v1/${chainId}`;
      const once = Effect.gen(function* () {
        yield* bucket.take;
        stats.requests++;
        const res = yield* HttpClient.get(`${config.baseUrl}${endpoint}/${addresses.join(",")}`, { headers: { accept: "application/json" } }).pipe(
          Effect.mapError((e) => new DexScreenerRequestError({ endpoint, reason: "transport", status: 0, detail: e.message, retryable: true })),
        );
        if (res.status !== 200) return yield* Effect.fail(classifyStatus(endpoint, res.status, res.headers["retry-after"]));
        return yield* decode(res).pipe(
          Effect.mapError((e) => {
            stats.decodeErrors++;
            return new DexScreenerRequestError({ endpoint, reason: "decode", status: 200, detail: String(e), retryable: true });
          }),
        );
      });
      return yield* once.pipe(Effect.retry(schedule));
    }),
  };
}

export type DexScreenerClient = ReturnType<typeof makeDexScreenerClient>;
