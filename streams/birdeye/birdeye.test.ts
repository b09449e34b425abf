/** Birdeye client and requests against the loopback Birdeye server, faults included. */
import { Effect, Exit, Fiber, Schema } from "effect";
import { FetchHttpClient } from "effect/http";
import { TestClock } from "effect/testing";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { startBirdeyeServer, type BirdeyeServerOptions, type OhlcvItem } from "../../testkit/birdeye/server.js";
import { fixtureJson } from "../../testkit/fixtures/load.js";
import type { FaultyServer } from "../../testkit/http/faulty-server.js";
import { TokenBucket } from "../pollers/token-bucket.js";
import { makeBirdeyeClient, requestOhlcv, requestOverview, requestUniverse, type BirdeyeClient } from "./index.js";
import { parseOverview } from "./parse.js";
import { OverviewData } from "./wire.js";

let server: FaultyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAST = { baseMs: 2, maxDelayMs: 20, maxRetries: 8 };
const run = <A, E>(e: Effect.Effect<A, E, never>) => Effect.runPromise(e);
const live = <A, E>(e: Effect.Effect<A, E, import("effect/http").HttpClient.HttpClient>) => run(Effect.provide(e, FetchHttpClient.layer));

async function setup(o: BirdeyeServerOptions = {}, apiKey = "test-key"): Promise<BirdeyeClient> {
  server = await startBirdeyeServer(o);
  return makeBirdeyeClient({ baseUrl: server.url, apiKey, requestsPerSecond: 1000, retry: FAST });
}

/** 2,500 one-minute bars from t0. */
const T0 = 1_735_689_600;
const bars: OhlcvItem[] = Array.from({ length: 2500 }, (_, i) => ({ o: 1 + i, h: 2 + i, l: i, c: 1.5 + i, v: 10, unixTime: T0 + 60 * i }));

describe("Birdeye", () => {
  it("pages OHLCV by time around the 1,000-record cap and returns each bar once", async () => {
    const client = await setup({ ohlcv: () => bars });
    const r = await live(requestOhlcv(client, { address: "So11111111111111111111111111111111111111112", type: "1m", fromS: T0, toS: T0 + 60 * 2499 }));
    expect(r.pages).toBe(3);
    expect(r.items).toHaveLength(2500);
    expect(r.items.map((b) => b.unixTime)).toEqual(bars.map((b) => b.unixTime));
  });

  it("rides out a 429 storm (honouring Retry-After) and 5xx, drops and malformed bodies; loses nothing", async () => {
    const client = await setup({ ohlcv: () => bars, faults: { storm429: 4, retryAfterS: 0.01, rate5xx: 0.2, malformedRate: 0.2, disconnectRate: 0.1, seed: 4 } });
    const r = await live(requestOhlcv(client, { address: "X", type: "1m", fromS: T0, toS: T0 + 60 * 2499 }));
    expect(r.items).toHaveLength(2500);
    expect(server!.stats.rateLimited).toBeGreaterThanOrEqual(4);
    expect(client.stats.rateLimited).toBe(server!.stats.rateLimited);
    expect(client.stats.decodeErrors).toBe(server!.stats.malformed);
    expect(client.stats.retries).toBe(server!.stats.requests - r.pages);
  });

  it("applies the universe filter from config to the trending fixture", async () => {
    const client = await setup();
    const clock = new VirtualClock(7);
    const strict = await live(requestUniverse(client, { limit: 20, filter: { minLiquidityUsd: 500_000, minFdvUsd: 10_000_000, maxFdvUsd: 0 }, clock }));
    expect(strict.all.map((t) => t.symbol)).toEqual(["ATO", "LIQUIDATOR"]);
    expect(strict.passing).toEqual([]);
    const loose = await live(requestUniverse(client, { limit: 20, filter: { minLiquidityUsd: 30_000, minFdvUsd: 1_000_000, maxFdvUsd: 0 }, clock }));
    expect(loose.passing.map((t) => t.mint)).toEqual(["HJXh1XULVe2Mdp6mTKd5K7of1uFqBTbmcWzvBv6cpump", "HYFDwieKWth1kzKbtLFMtgMVwukyvyWNYFxyQDcWpump"]);
  });

  it("reads both overview shapes: 2025 (fdv) and 2024 (mc, supply)", async () => {
    const client = await setup();
    const now = await live(requestOverview(client, "So11111111111111111111111111111111111111112", new VirtualClock(0)));
    expect(now).toMatchObject({ fdvUsd: 112833577331.7062, marketCapUsd: 100263084724.62823, liquidityUsd: 23353595552.52654 });
    const old = Schema.decodeUnknownSync(OverviewData)(fixtureJson<{ data: unknown }>("birdeye/cyhole_get_token_overview_solana.json").data);
    expect(parseOverview(old, 0)).toMatchObject({ marketCapUsd: 57174534640.46407, priceUsd: 100.73038300653013, fdvUsd: 100.73038300653013 * 566386746.204681 });
  });

  it("does not retry a rejected key", async () => {
    const client = await setup({}, "wrong");
    const exit = await Effect.runPromiseExit(Effect.provide(client.tokenOverview("X"), FetchHttpClient.layer));
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toMatch(/"reason":"auth"/);
    expect(server!.stats.requests).toBe(1);
  });

  it("the token bucket spaces requests at its rate (virtual time)", async () => {
    const bucket = new TokenBucket(2);
    await run(
      Effect.gen(function* () {
        // Five callers at once: each reserves the next slot, 500 ms apart.
        const fiber = yield* Effect.forkChild(Effect.all(Array.from({ length: 5 }, () => bucket.take), { concurrency: "unbounded" }));
        yield* TestClock.adjust("10 seconds");
        yield* Fiber.join(fiber);
      }).pipe(Effect.provide(TestClock.layer())),
    );
    expect(bucket.waited).toBe(4);
    expect(bucket.waitedMs).toBe(500 + 1000 + 1500 + 2000);
  });
});
