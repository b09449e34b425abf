import { Effect } from "effect";
import { FetchHttpClient } from "effect/http";
import { firstValueFrom, take, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { startBirdeyeServer } from "../../testkit/birdeye/server.js";
import type { FaultyServer } from "../../testkit/http/faulty-server.js";
import { makeBirdeyeClient, requestUniverse } from "../birdeye/index.js";
import { poll, type PollStats } from "./poll.js";

let server: FaultyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("poll", () => {
  it("polls the Birdeye universe on an interval; a failed poll is a value, not the end", async () => {
    // Every request fails on the first round trip (429 storm, retries off), then all succeed.
    server = await startBirdeyeServer({ faults: { storm429: 1, retryAfterS: 0 } });
    const client = makeBirdeyeClient({ baseUrl: server.url, apiKey: "test-key", requestsPerSecond: 1000, retry: { baseMs: 1, maxDelayMs: 1, maxRetries: 0 } });
    const task = (signal: AbortSignal) =>
      Effect.runPromise(Effect.provide(requestUniverse(client, { limit: 20, filter: { minLiquidityUsd: 0, minFdvUsd: 0, maxFdvUsd: 0 }, clock: new VirtualClock(0) }), FetchHttpClient.layer), { signal });
    const stats: PollStats = { polls: 0, failures: 0 };
    const results = await firstValueFrom(poll(task, { intervalMs: 5 }, stats).pipe(take(3), toArray()));
    expect(results.map((r) => r.ok)).toEqual([false, true, true]);
    expect(results[1]?.ok === true && results[1].value.passing).toHaveLength(2);
    expect(stats).toEqual({ polls: 3, failures: 1 });
  });
});
