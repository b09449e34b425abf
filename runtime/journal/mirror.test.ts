/**
 * The ClickHouse mirror with a real embedded engine behind a simulated network: while ClickHouse
 * is down, journal writes go on and the outbox drains into the writers' spool; once it is back,
 * every row arrives, once (read with FINAL).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { eventually } from "../../testkit/eventually.js";
import { BatchedWriter } from "../storage/batched-writer.js";
import { openStorage } from "../storage/clickhouse.js";
import { runMigrations } from "../storage/migrations.js";
import type { Storage } from "../storage/storage.js";
import { FlakyNetwork, memoryLogger } from "../storage/testing.js";
import { Journal } from "./journal.js";
import { JournalMirror, type MirrorWriters } from "./mirror.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-mirror-"));
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
  await runMigrations(storage);
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function writers(net: FlakyNetwork, spool: string): Promise<MirrorWriters> {
  const open = (table: string) => BatchedWriter.open({
    storage: net, table, spoolDir: spool, flushIntervalMs: 5, retry: { baseMs: 1, maxDelayMs: 2, maxRetries: 1 },
    probe: { baseMs: 5, maxDelayMs: 10 }, logger: memoryLogger(), clock: new VirtualClock(1), rng: seededRng(1),
  });
  return {
    order_intents: await open("order_intents"), fills: await open("fills"), position_transitions: await open("position_transitions"),
    supervisor_transitions: await open("supervisor_transitions"),
  };
}

/** One position's worth of journal traffic: intent, signature, fill, two transitions; and a supervisor record. */
function trade(j: Journal, n: number): void {
  const intentId = `p${n}:1`;
  j.orders.recordIntent({ intentId, positionId: `p${n}`, mint: "MINT", side: "buy", kind: "buy", amount: 1, amountRaw: "1000000000", slippageBps: 500, reason: "entry", ts: n });
  j.orders.recordSigned({ intentId, signature: `S${n}`, signedBytes: "AA==", lastValidBlockHeight: 10 });
  j.orders.recordFill({ intentId, positionId: `p${n}`, mint: "MINT", side: "buy", qty: 100, sol: 1, feeSol: 0, decimals: 6, signature: `S${n}`, ts: n });
  j.positions.create({ positionId: `p${n}`, mint: "MINT", sizeSol: 1, params: {} as never, ts: n }, 1, n);
  j.positions.save({
    positionId: `p${n}`, snapshot: { value: "open" }, state: "open", status: "active", seq: 2, reason: "bought", ts: n,
    transitions: [1, 2].map((seq) => ({ positionId: `p${n}`, seq, fromState: "x", toState: "y", event: "e", reason: "r", ts: n })),
  });
  j.supervisor.record(1, { seq: n, state: "mode.running.enabled", reason: "r", ts: n });
}

const count = async (sql: string) => Number((await storage.query<{ n: string }>(sql))[0]?.n ?? -1);
const counts = async () => ({
  intents: await count("SELECT count() AS n FROM order_intents FINAL WHERE mint = 'MINT'"),
  filled: await count("SELECT countIf(status = 'filled') AS n FROM order_intents FINAL WHERE mint = 'MINT'"),
  fills: await count("SELECT count() AS n FROM fills FINAL WHERE mint = 'MINT'"),
  transitions: await count("SELECT count() AS n FROM position_transitions FINAL WHERE reason = 'r'"),
  supervisor: await count("SELECT count() AS n FROM supervisor_transitions FINAL WHERE reason = 'r'"),
});

describe("journal mirror", () => {
  it("keeps trading while ClickHouse is down, then catches up with every row once", async () => {
    const net = new FlakyNetwork(storage);
    net.down = true;
    const j = Journal.open(join(dir, "a.sqlite"), { clock: new VirtualClock(1) });
    const mirror = new JournalMirror({ journal: j, writers: await writers(net, join(dir, "spool-a")), intervalMs: 5, logger: memoryLogger() }).start();
    for (let n = 1; n <= 20; n++) trade(j, n); // synchronous: nothing here waits on ClickHouse
    expect(j.orders.resolution("p20:1").kind).toBe("filled");
    // The outbox drains into the spool although nothing reached ClickHouse.
    await eventually(() => expect(j.outbox.size).toBe(0));
    expect(net.failures).toBeGreaterThan(0);
    expect(await counts()).toEqual({ intents: 0, filled: 0, fills: 0, transitions: 0, supervisor: 0 });

    net.down = false;
    await eventually(async () => expect(await counts()).toEqual({ intents: 20, filled: 20, fills: 20, transitions: 40, supervisor: 20 }));
    await mirror.stop();
    j.close();
  });

  it("a mirror that died before acknowledging sends again; FINAL still counts once", async () => {
    await storage.exec("TRUNCATE TABLE order_intents");
    await storage.exec("TRUNCATE TABLE fills");
    await storage.exec("TRUNCATE TABLE position_transitions");
    await storage.exec("TRUNCATE TABLE supervisor_transitions");
    const net = new FlakyNetwork(storage);
    const j = Journal.open(join(dir, "b.sqlite"), { clock: new VirtualClock(1) });
    for (let n = 1; n <= 5; n++) trade(j, n);
    const rows = j.outbox.read(0, 1_000);
    const first = new JournalMirror({ journal: j, writers: await writers(net, join(dir, "spool-b1")), logger: memoryLogger() });
    await first.drain();
    await first.stop();
    // Put the rows back as if the ack had never committed.
    for (const r of rows) j.outbox.append(r.table, r.row);
    const second = new JournalMirror({ journal: j, writers: await writers(net, join(dir, "spool-b2")), logger: memoryLogger() });
    await second.drain();
    await second.stop();
    expect(j.outbox.size).toBe(0);
    expect(await counts()).toEqual({ intents: 5, filled: 5, fills: 5, transitions: 10, supervisor: 5 });
    j.close();
  });
});
