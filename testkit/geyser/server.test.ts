
import { afterEach, describe, expect, it } from "vitest";
import { errorText } from "../../streams/geyser/errors.js";
import { SubscribeRequest, SubscribeUpdate, YellowstoneClient as Client } from "../../streams/geyser/wire.js";
import { eventually } from "../eventually.js";
import { fixtureBytes, fixtureJson } from "../fixtures/load.js";
import { startGeyserServer, type GeyserServer } from "./server.js";

const fx = (name: string): SubscribeUpdate => SubscribeUpdate.decode(fixtureBytes(`yellowstone/${name}.pb.base64`));
const slotUpdate = (slot: number): SubscribeUpdate => SubscribeUpdate.fromPartial({ slot: { slot: String(slot), status: 0 }, createdAt: new Date(slot * 400) });

let server: GeyserServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Subscribe with the real napi client the way a bot does: empty first message, then filters.
 * Resolves once the server has applied the filters (a write callback only means "sent").
 */
async function subscribe(srv: GeyserServer, req: SubscribeRequest, token?: string, waitActive = true) {
  const before = srv.stats.subscribes;
  const settled = () => srv.stats.active > 0 && srv.stats.lastRequest !== null && srv.stats.subscribes > before;
  const client = new Client(srv.endpoint, token, undefined);
  await client.connect();
  const stream = await client.subscribe();
  const got: SubscribeUpdate[] = [];
  const state = { error: null as (Error & { code?: unknown }) | null, closed: false };
  stream.on("data", (u: SubscribeUpdate) => got.push(u));
  stream.on("error", (e: Error) => (state.error = Object.assign(new Error(errorText(e)), { cause: e })));
  stream.on("close", () => (state.closed = true));
  await new Promise<void>((res, rej) => stream.write(req, (e?: Error | null) => (e ? rej(e) : res())));
  if (waitActive) await eventually(() => settled() || state.error !== null);
  return { client, stream, got, state };
}

describe("loopback Geyser server with the real yellowstone client", () => {
  it("serves the fixture updates through the pumpfun_and_raydium filters, ignoring the empty first request", async () => {
    const feed = [fx("SubscribeUpdate.account_pumpfun_bonding_curve"), fx("SubscribeUpdate.transaction_pumpfun_buy"), fx("SubscribeUpdate.slot")];
    server = await startGeyserServer({ feed, pingIntervalMs: 0 });
    const req = SubscribeRequest.fromJSON(fixtureJson("yellowstone/SubscribeRequest.pumpfun_and_raydium.proto3json.json"));
    const { got, stream } = await subscribe(server, req);
    await eventually(() => expect(got).toHaveLength(3));
    expect(got.map((u) => u.filters)).toEqual([["pumpfun_curves"], ["pumpfun_txs"], ["slots"]]);
    expect(Buffer.from(got[0]!.account!.account!.data)).toEqual(Buffer.from(feed[0]!.account!.account!.data));
    expect(got[1]!.transaction!.transaction!.meta!.logMessages).toHaveLength(5);
    expect(got[0]!.createdAt?.toISOString()).toBe("2024-12-19T13:56:04.000Z");
    expect(server.stats.subscribes).toBe(1);
    stream.destroy();
  });

  it("filters by owner and memcmp: a non-curve account under the pump program is not sent", async () => {
    const curve = fx("SubscribeUpdate.account_pumpfun_bonding_curve");
    const notCurve = SubscribeUpdate.fromPartial({ ...curve, account: { ...curve.account!, account: { ...curve.account!.account!, data: new Uint8Array(81) } } });
    server = await startGeyserServer({ feed: [notCurve, curve], pingIntervalMs: 0 });
    const req = SubscribeRequest.fromJSON(fixtureJson("yellowstone/SubscribeRequest.pumpfun_and_raydium.proto3json.json"));
    const { got, stream } = await subscribe(server, req);
    await eventually(() => expect(server!.stats.published).toBe(2));
    await eventually(() => expect(got).toHaveLength(1));
    expect(got[0]!.account!.account!.data[0]).toBe(23);
    stream.destroy();
  });

  it("answers pings with pongs and sends its own pings", async () => {
    server = await startGeyserServer({ pingIntervalMs: 20 });
    const { got, stream } = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} } }));
    stream.write(SubscribeRequest.fromJSON(fixtureJson("yellowstone/SubscribeRequest.ping.proto3json.json")));
    await eventually(() => expect(got.some((u) => u.pong?.id === 1)).toBe(true));
    await eventually(() => expect(got.some((u) => u.ping !== undefined)).toBe(true));
    stream.destroy();
  });

  it("replays from_slot out of its buffer and refuses a slot it no longer holds", async () => {
    server = await startGeyserServer({ replaySlots: 5, pingIntervalMs: 0 });
    for (let s = 100; s < 110; s++) server.publish(slotUpdate(s));
    expect(server.buffer.firstAvailable).toBe(105);
    const ok = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: "106" }));
    await eventually(() => expect(ok.got.map((u) => Number(u.slot!.slot))).toEqual([106, 107, 108, 109]));
    server.publish(slotUpdate(110));
    await eventually(() => expect(ok.got).toHaveLength(5));
    ok.stream.destroy();

    const gone = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: "101" }));
    await eventually(() => expect(gone.state.error?.message).toMatch(/from_slot 101 is not available, first available slot: 106/));
    expect(gone.got).toHaveLength(0);
    expect(await gone.client.subscribeReplayInfo()).toEqual({ firstAvailable: "106" });
  });

  it("drops subscribers on demand and after N messages, and checks x-token", async () => {
    server = await startGeyserServer({ token: "secret", disconnectAfter: 2, disconnectTimes: 1, pingIntervalMs: 0 });
    const a = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} } }), "secret");
    for (let s = 1; s <= 3; s++) server.publish(slotUpdate(s));
    await eventually(() => expect(a.state.closed).toBe(true));
    expect(a.got).toHaveLength(2);
    const b = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} } }), "secret");
    server.publish(slotUpdate(4));
    await eventually(() => expect(b.got).toHaveLength(1));
    server.disconnectAll();
    await eventually(() => expect(b.state.closed).toBe(true));
    const bad = await subscribe(server, SubscribeRequest.fromPartial({ slots: { s: {} } }), "wrong", false).catch((e: Error) => e);
    if (!(bad instanceof Error)) await eventually(() => expect(bad.state.error?.message ?? "").toMatch(/x-token|unauthenticated/i));
    expect(server.stats.disconnects).toBe(2);
  });

  it("unary methods answer from the buffer", async () => {
    server = await startGeyserServer({ pingIntervalMs: 0 });
    server.publish(slotUpdate(77));
    const client = new Client(server.endpoint, undefined, undefined);
    await client.connect();
    expect(await client.ping(3)).toEqual({ count: 3 });
    expect((await client.getSlot()).slot).toBe("77");
    expect((await client.getLatestBlockhash()).blockhash.length).toBeGreaterThan(40);
    expect(JSON.parse((await client.getVersion()).version)).toHaveProperty("version");
  });
});
