/** DexScreener client against the loopback server: best pair per token, chunking, faults. */
import { Effect } from "effect";
import { FetchHttpClient } from "effect/http";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { startDexScreenerServer } from "../../testkit/dexscreener/server.js";
import { fixtureJson } from "../../testkit/fixtures/load.js";
import type { FaultyServer } from "../../testkit/http/faulty-server.js";
import { makeDexScreenerClient, requestBestPairs } from "./index.js";

let server: FaultyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pairs = fixtureJson<{ pairs: { baseToken: { address: string } }[] }>("dexscreener/latest_dex_tokens_multi_2024.json").pairs;
const mints = [...new Set(pairs.map((p) => p.baseToken.address))];

describe("DexScreener", () => {
  it("picks the most liquid pair per token, 30 addresses a call, through 429s, 5xx and bad bodies", async () => {
    server = await startDexScreenerServer({ faults: { storm429: 2, retryAfterS: 0.01, rate5xx: 0.2, malformedRate: 0.2, seed: 8 } });
    const client = makeDexScreenerClient({ baseUrl: server.url, requestsPerMinute: 60_000, retry: { baseMs: 2, maxDelayMs: 20, maxRetries: 10 } });
    // 40 unknown mints pad the list so it takes two calls.
    const padded = [...mints, ...Array.from({ length: 40 }, (_, i) => `unknown${i}`)];
    const best = await Effect.runPromise(Effect.provide(requestBestPairs(client, padded, new VirtualClock(3)), FetchHttpClient.layer));
    expect(best.size).toBe(mints.length);
    expect([...best.values()].find((p) => p.pair === "G6oNRyjP2WAVDUTYFPZsgBBxxMetyQEi2AYbmzRNe7Mc")).toMatchObject({ pair: "G6oNRyjP2WAVDUTYFPZsgBBxxMetyQEi2AYbmzRNe7Mc", liquidityUsd: 1656302.24, fdvUsd: 86059607, marketCapUsd: null });
    const pairsChosen = [...best.values()].map((p) => p.pair).sort();
    expect(pairsChosen).toEqual(["5E2rpYCS88pfsWk3PM66s9Rwvbohi4xQPVwkcrbE89ug", "ADwQhgVS41xbMSDeHbd9nDiGnky1y2CtgG4ctVcoUv1R", "G6oNRyjP2WAVDUTYFPZsgBBxxMetyQEi2AYbmzRNe7Mc"]);
    expect(client.stats.decodeErrors).toBe(server.stats.malformed);
    expect(server.stats.paths.filter((p) => p.startsWith("/tokens/v1/solana/")).length).toBe(client.stats.requests);
  });

  it("decodes the bare-array 2026 SOL pair with no fdv or marketCap", async () => {
    const sol = fixtureJson<Record<string, unknown>[]>("dexscreener/tokens_v1_solana_SOL_2026.json");
    server = await startDexScreenerServer({ pairs: sol });
    const client = makeDexScreenerClient({ baseUrl: server.url, requestsPerMinute: 60_000 });
    const best = await Effect.runPromise(Effect.provide(requestBestPairs(client, ["So11111111111111111111111111111111111111112"], new VirtualClock(0)), FetchHttpClient.layer));
    expect(best.get("So11111111111111111111111111111111111111112")).toMatchObject({ priceUsd: 100.17, priceNative: 100.1749, liquidityUsd: 14247194.46, fdvUsd: null, marketCapUsd: null, pairCreatedMs: 1669602450000 });
  });
});
