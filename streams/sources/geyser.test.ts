/** The Geyser source's connection behaviour against the loopback server: liveness and auth. */
import { firstValueFrom, filter, Subject, takeUntil, toArray, lastValueFrom } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { eventually } from "../../testkit/eventually.js";
import { startGeyserServer, type GeyserServer } from "../../testkit/geyser/server.js";
import { SubscribeRequest, SubscribeUpdate } from "../geyser/wire.js";
import type { FeedEvent } from "../types.js";
import { geyserSource, newGeyserSourceStats } from "./geyser.js";

let server: GeyserServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const slot = (s: number): SubscribeUpdate => SubscribeUpdate.fromPartial({ slot: { slot: String(s), status: 0 }, createdAt: new Date(s * 400) });
const request = SubscribeRequest.fromPartial({ slots: { s: {} } });

describe("geyserSource", () => {
  it("pings, notices a silent stream, and reconnects from the last slot", async () => {
    server = await startGeyserServer({ pingIntervalMs: 0 });
    const stats = newGeyserSourceStats();
    const stop = new Subject<void>();
    const seen: FeedEvent[] = [];
    const src = geyserSource({ endpoint: server.endpoint, request, clock: new VirtualClock(5), reconnect: { initialDelayMs: 10 }, liveness: { pingIntervalMs: 100, staleAfterMs: 1_500 } }, stats); // stale well above a loaded machine's pauses
    const sub = src.pipe(takeUntil(stop)).subscribe((e) => seen.push(e));
    await eventually(() => expect(server!.stats.active).toBe(1));
    server.publish(slot(10));
    await eventually(() => expect(stats.lastSlot).toBe(10));
    await eventually(() => expect(stats.pongs).toBeGreaterThan(0));
    server.setMuted(true);
    await eventually(() => expect(stats.stale).toBe(1));
    server.setMuted(false);
    await eventually(() => expect(stats.connects).toBe(2));
    // The resubscription asked to resume two slots back (the overlap), inside the buffer.
    expect(server.stats.lastRequest?.fromSlot).toBe("8");
    server.publish(slot(11));
    await eventually(() => expect(stats.lastSlot).toBe(11));
    stop.next();
    sub.unsubscribe();
    expect(seen.filter((e) => e.kind === "status").map((e) => (e.kind === "status" ? e.state : ""))).toEqual(["connected", "stale", "disconnected", "connected"]);
    expect(seen.filter((e) => e.kind === "slot").map((e) => (e.kind === "slot" ? e.update.slot : 0))).toEqual([10, 11]);
    expect(seen.find((e) => e.kind === "slot")).toMatchObject({ update: { tsEvent: 4000, tsInit: 5 } });
  });

  it("gives up on a rejected token instead of retrying forever", async () => {
    server = await startGeyserServer({ token: "right", pingIntervalMs: 0 });
    const src = geyserSource({ endpoint: server.endpoint, token: "wrong", request, clock: new VirtualClock(0), reconnect: { initialDelayMs: 10 } });
    const err = await lastValueFrom(src.pipe(toArray())).catch((e: unknown) => e);
    expect(err).toMatchObject({ _tag: "GeyserConnectionError", reason: "rejected", retryable: false });
  });

  it("stops after maxAttempts when the server keeps refusing", async () => {
    server = await startGeyserServer({ pingIntervalMs: 0 });
    server.setAccepting(false);
    const stats = newGeyserSourceStats();
    const src = geyserSource({ endpoint: server.endpoint, request, clock: new VirtualClock(0), reconnect: { initialDelayMs: 5, maxAttempts: 3 } }, stats);
    const err = await firstValueFrom(src.pipe(filter(() => false))).catch((e: unknown) => e);
    expect(err).toMatchObject({ _tag: "GeyserConnectionError", retryable: true });
    expect(server.stats.subscribes).toBe(4);
  });
});
