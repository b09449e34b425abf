/**
 * A loopback market resumed past its launches first re-announces the launched tokens' mint
 * accounts: token safety reads mints from the feed (actors/risk/mint-info.replay.ts), and a
 * resumed daemon would otherwise never enter a token launched before the restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeReplayMintInfo } from "../../actors/risk/mint-info.replay.js";
import { pubkeyString } from "../../chain/layouts/bytes.js";
import { PoolRegistry } from "../../streams/decoders/registry.js";
import { YellowstoneClient, type SubscribeUpdate } from "../../streams/geyser/wire.js";
import { eventually } from "../../testkit/eventually.js";
import { startLoopbackMarket, type LoopbackMarket, type LoopbackMarketOptions } from "./loopback-market.js";

describe("loopback market resume", () => {
  let market: LoopbackMarket | undefined;
  let dir: string;
  afterEach(async () => {
    await market?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-announces the mints launched before the resume point, before anything else", async () => {
    dir = mkdtempSync(join(tmpdir(), "alphagpt-loopback-"));
    const o: LoopbackMarketOptions = {
      seed: 5, tokens: 4, bars: 40, barIntervalS: 60, signalStrength: 0, speed: 1e9, epochs: 1,
      sim: { launchWindow: 0.05 }, statePath: join(dir, "market.json"),
    };
    // Where a previous run stopped: step 20, every token launched long before.
    writeFileSync(o.statePath as string, JSON.stringify({ schema: "alphagpt/loopback-market@1", key: JSON.stringify([o.seed, o.tokens, o.bars, o.barIntervalS, o.signalStrength, o.sim]), epoch: 0, step: 20 }));
    market = await startLoopbackMarket(o, new PoolRegistry());
    expect(market.stats().resumedAt).toEqual({ epoch: 0, step: 20 });

    const client = new YellowstoneClient(market.endpoint, undefined, undefined);
    await client.connect();
    const stream = await client.subscribe();
    const got: SubscribeUpdate[] = [];
    stream.on("data", (u: SubscribeUpdate) => got.push(u));
    stream.on("error", () => undefined);
    await new Promise<void>((res, rej) => stream.write(market!.request, (e?: Error | null) => (e ? rej(e) : res())));
    await eventually(() => got.length >= o.tokens + 1);
    stream.destroy();

    const mints = makeReplayMintInfo();
    const first = got.slice(0, o.tokens).map((u) => u.account?.account);
    for (const a of first) {
      if (a === undefined) throw new Error("expected mint account writes first");
      mints.observe({ pubkey: pubkeyString(a.pubkey), owner: pubkeyString(a.owner), data: a.data });
    }
    const known = first.map((a) => mints.lookup(pubkeyString(a!.pubkey)));
    expect(known.map((k) => k._tag)).toEqual(Array(o.tokens).fill("Known"));
    expect(new Set(first.map((a) => pubkeyString(a!.pubkey))).size).toBe(o.tokens);
  });
});
