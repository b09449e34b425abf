/**
 * The loopback PubSub server's ordering promises, and the PubSub source ending a finite feed on
 * them: a subscription is answered before anything is streamed to it, and a feed is whole when
 * the source has received as many notifications as the server reports it wrote, whatever order
 * kit's per-subscription queues hand them over in.
 */
import { lastValueFrom, tap, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { base58 } from "../../chain/layouts/bytes.js";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID } from "../../chain/layouts/programs.js";
import { VirtualClock } from "../../core/clock.js";
import { newPubSubSourceStats, pubsubSource } from "../../streams/sources/pubsub.js";
import { eventually } from "../eventually.js";
import { simScenario } from "../geyser/sim-scenario.js";
import { pubsubEventsFromGeyser } from "./pubsub-from-geyser.js";
import { startPubSubServer, type PubSubServer, type PubSubServerOptions } from "./pubsub-server.js";

let server: PubSubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const sim = simScenario({ seed: 5, tokens: 8, bars: 40, barIntervalS: 60 });
const accounts = [...new Set(sim.updates.flatMap((u) => (u.account?.account === undefined ? [] : [base58(u.account.account.pubkey)])))];
const wanted = sim.updates.filter((u) => u.account !== undefined || u.transaction !== undefined).length;

/** The simulated market through the server and the source, which ends the feed by itself. */
async function streamMarket(o: PubSubServerOptions) {
  const s = await startPubSubServer(o);
  server = s;
  const stats = newPubSubSourceStats();
  let sentAll!: (n: number) => void;
  const endAfterNotifications = new Promise<number>((r) => (sentAll = r));
  let publishing = false;
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on("warning", onWarning);
  try {
    const feed = pubsubSource({ url: s.url, accounts, logsMentions: [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID], clock: new VirtualClock(1_000), endAfterNotifications }, stats).pipe(
      tap((e) => {
        if (publishing || e.kind !== "status" || e.state !== "connected") return;
        publishing = true;
        void s.run(pubsubEventsFromGeyser(sim.updates)).then(sentAll);
      }),
    );
    const seen = await lastValueFrom(feed.pipe(toArray()));
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    return { seen, stats, warnings, sent: await endAfterNotifications };
  } finally {
    process.off("warning", onWarning);
  }
}

describe("loopback PubSub server", () => {
  it("answers a subscribe before it streams anything to that subscription", async () => {
    server = await startPubSubServer({ latencyMs: 30 });
    const s = server;
    const ws = new WebSocket(s.url);
    await new Promise((r) => ws.once("open", r));
    const got: { id?: number; result?: number; params?: { subscription: number } }[] = [];
    ws.on("message", (raw) => got.push(JSON.parse(String(raw)) as (typeof got)[number]));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "slotSubscribe" }));
    // Publish all along, while the answer is still on its way and after.
    let slot = 100;
    while (got.filter((m) => m.params !== undefined).length < 5) {
      s.publish({ kind: "slot", slot, parent: slot - 1, root: 0 });
      slot++;
      await new Promise((r) => setTimeout(r, 2));
    }
    // An empty run resolves once what is still in flight has been written: then the client gets
    // exactly what the server counts as sent.
    const sent = await s.run([]);
    await eventually(() => expect(got.length).toBe(sent + 1));
    ws.close();
    expect(got[0]).toMatchObject({ id: 1, result: 1 });
    expect(got.slice(1).every((m) => m.params?.subscription === 1)).toBe(true);
  });

  it("a finite feed ends once the source has received every notification the server wrote, none lost to the end", async () => {
    const r = await streamMarket({});
    expect(r.sent).toBe(r.stats.notifications);
    expect(r.seen.filter((e) => e.kind === "account" || e.kind === "transaction").length).toBe(wanted);
    expect(r.seen.some((e) => e.kind === "slot" && e.update.slot === sim.lastSlot)).toBe(true);
    // 22 subscriptions on one session: no abort signal collects more listeners than Node allows.
    expect(r.warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("with latency and repeated notifications, the feed still ends whole", async () => {
    const r = await streamMarket({ latencyMs: 5, duplicateRate: 0.2, seed: 3 });
    expect(server?.stats.duplicated).toBeGreaterThan(0);
    expect(r.sent).toBe(r.stats.notifications);
    expect(r.seen.filter((e) => e.kind === "account" || e.kind === "transaction").length).toBe(wanted);
  });
});
