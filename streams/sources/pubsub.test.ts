/** The PubSub source with @solana/kit against the loopback PubSub server. */
import { Subject, takeUntil } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { PUMP_PROGRAM_ID } from "../../chain/layouts/programs.js";
import { eventually } from "../../testkit/eventually.js";
import { fixtureBytes } from "../../testkit/fixtures/load.js";
import { pubsubEventsFromGeyser } from "../../testkit/rpc/pubsub-from-geyser.js";
import { startPubSubServer, type PubSubServer, type PubSubServerOptions } from "../../testkit/rpc/pubsub-server.js";
import { MarketDecoder } from "../decoders/market-decoder.js";
import { SubscribeUpdate } from "../geyser/wire.js";
import type { FeedEvent, MarketEvent, PriceTick, TradeTick } from "../types.js";
import { newPubSubSourceStats, pubsubSource, type PubSubSourceStats } from "./pubsub.js";

const CURVE = "EsmVk4MTsoT71JFaRM5DWFZboKpMQjfY6EYzAgUuksXw";
const fx = (n: string) => SubscribeUpdate.decode(fixtureBytes(`yellowstone/${n}.pb.base64`));
const events = [...pubsubEventsFromGeyser([fx("SubscribeUpdate.account_pumpfun_bonding_curve"), fx("SubscribeUpdate.transaction_pumpfun_buy"), fx("SubscribeUpdate.slot")])];

let server: PubSubServer | undefined;
let stop: Subject<void> | undefined;
afterEach(async () => {
  stop?.next();
  await server?.close();
  server = undefined;
});

async function connect(o: PubSubServerOptions = {}): Promise<{ stats: PubSubSourceStats; seen: FeedEvent[]; market: MarketEvent[]; decoder: MarketDecoder }> {
  server = await startPubSubServer(o);
  stop = new Subject<void>();
  const stats = newPubSubSourceStats();
  const seen: FeedEvent[] = [];
  const market: MarketEvent[] = [];
  const decoder = new MarketDecoder();
  pubsubSource({ url: server.url, accounts: [CURVE], logsMentions: [PUMP_PROGRAM_ID], clock: new VirtualClock(1_000), reconnect: { initialDelayMs: 20 } }, stats)
    .pipe(takeUntil(stop))
    .subscribe((e) => {
      seen.push(e);
      decoder.decode(e, market);
    });
  await eventually(() => expect(stats.connects).toBe(1));
  return { stats, seen, market, decoder };
}

describe("pubsubSource", () => {
  it("turns account, logs and slot notifications into ticks and trades", async () => {
    const c = await connect();
    for (const e of events) server!.publish(e);
    await eventually(() => expect(c.market).toHaveLength(2));
    const [tick, trade] = c.market as [PriceTick, TradeTick];
    expect(tick).toMatchObject({ kind: "price", pool: CURVE, slot: 307881234, price: 2.79589934885366e-8, tsEvent: 1_000 });
    expect(trade).toMatchObject({ kind: "trade", mint: "7R4zU5pgHFxRQaNUhhCAPFXaSN6AWiheD6rRfkFJpump", quoteAmount: 1.253951806, side: "buy" });
    expect(c.seen.some((e) => e.kind === "slot" && e.update.slot === 307881234)).toBe(true);
  });

  it("counts malformed notifications and drops repeated ones", async () => {
    const c = await connect({ malformedRate: 0.3, duplicateRate: 0.5, seed: 2 });
    for (let i = 0; i < 20; i++) server!.publish({ kind: "slot", slot: 100 + i, parent: 99 + i, root: 60 });
    await eventually(() => expect(c.stats.lastSlot + c.stats.decodeErrors).toBeGreaterThan(0));
    await eventually(() => expect(c.seen.filter((e) => e.kind === "slot").length + c.stats.decodeErrors).toBe(20));
    expect(c.stats.decodeErrors).toBe(server!.stats.malformed);
    expect(c.stats.dedupe.duplicates).toBe(server!.stats.duplicated);
  });

  it("reconnects and reports the slots it missed as a gap", async () => {
    const c = await connect();
    server!.publish({ kind: "slot", slot: 10, parent: 9, root: 0 });
    await eventually(() => expect(c.stats.lastSlot).toBe(10));
    server!.disconnectAll();
    // While we are away the chain moves on; PubSub keeps nothing for us.
    for (let s = 11; s < 15; s++) server!.publish({ kind: "slot", slot: s, parent: s - 1, root: 0 });
    await eventually(() => expect(c.stats.connects).toBe(2));
    server!.publish({ kind: "slot", slot: 15, parent: 14, root: 0 });
    await eventually(() => expect(c.stats.lastSlot).toBe(15));
    expect(c.seen.filter((e) => e.kind === "gap")).toEqual([{ kind: "gap", requestedFromSlot: 11, resumedAtSlot: 15, tsInit: 1_000 }]);
  });
});
