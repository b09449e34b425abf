import { appendFileSync, copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { positionParams } from "../../machines/position.params.js";
import { Journal } from "./journal.js";
import type { IntentRecord } from "./types.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "alphagpt-journal-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const intent = (n: number, over: Partial<IntentRecord> = {}): IntentRecord => ({
  intentId: `p1:${n}`, positionId: "p1", mint: "MINT", side: "buy", kind: "buy", amount: 1,
  amountRaw: "1000000000", slippageBps: 500, reason: "entry", ts: 10 * n, ...over,
});
const input = { positionId: "p1", mint: "MINT", sizeSol: 1, params: positionParams(), ts: 0 };

describe("journal", () => {
  it("reads back everything after a reopen", () => {
    const path = join(tmp(), "j.sqlite");
    const clock = new VirtualClock(1_000);
    const j = Journal.open(path, { clock });
    j.orders.recordIntent(intent(1));
    j.orders.recordSigned({ intentId: "p1:1", signature: "SIG1", signedBytes: new Uint8Array([1, 2, 3]), lastValidBlockHeight: 150n });
    j.orders.recordFill({ intentId: "p1:1", positionId: "p1", mint: "MINT", side: "buy", qty: 1000, sol: 1, feeSol: 0.001, decimals: 6, signature: "SIG1", ts: 5 });
    j.positions.create(input, 1, 0);
    j.positions.save({
      positionId: "p1", snapshot: { value: "open", context: { seq: 2 } }, state: "open", status: "active", seq: 2,
      reason: "bought", ts: 5, transitions: [
        { positionId: "p1", seq: 1, fromState: "new", toState: "entering", event: "xstate.init", reason: "created", ts: 0 },
        { positionId: "p1", seq: 2, fromState: "entering", toState: "open", event: "xstate.done.actor.buy", reason: "bought", ts: 5 },
      ],
    });
    expect(j.next("position")).toBe(1);
    expect(j.next("position")).toBe(2);
    j.close();

    const again = Journal.open(path, { clock });
    expect(again.orders.resolution("p1:1")).toMatchObject({ kind: "filled", fill: { qty: 1000, sol: 1, signature: "SIG1" } });
    expect(again.orders.signatures("p1:1")).toEqual([
      { signature: "SIG1", intentId: "p1:1", side: "buy", mint: "MINT", signedBytes: new Uint8Array([1, 2, 3]), blockhash: "", lastValidBlockHeight: 150, status: "landed", ts: 1_000 },
    ]);
    expect(again.orders.intent("p1:1")).toMatchObject({ status: "filled", amountRaw: "1000000000", slippageBps: 500 });
    expect(again.positions.get("p1")).toMatchObject({ state: "open", seq: 2, snapshot: { value: "open", context: { seq: 2 } }, input });
    expect(again.positions.transitions("p1").map((t) => t.toState)).toEqual(["entering", "open"]);
    expect(again.next("position")).toBe(3);
    expect(again.orders.decimalsOf("MINT")).toBe(6);
    expect(again.orders.decimalsOf("OTHER")).toBeUndefined();
    again.close();
  });

  it("answers the same question the same way: idempotent writes and lookups by intent id", () => {
    const j = Journal.open(join(tmp(), "j.sqlite"), { clock: new VirtualClock() });
    expect(j.orders.resolution("p1:1")).toEqual({ kind: "unsigned" });
    j.orders.recordIntent(intent(1));
    j.orders.recordIntent(intent(1, { amount: 99 })); // a re-run: the first record stays
    expect(j.orders.intent("p1:1")?.amount).toBe(1);
    expect(j.orders.resolution("p1:1")).toEqual({ kind: "unsigned" });

    const signed = { intentId: "p1:1", signature: "S1", signedBytes: "AQID", lastValidBlockHeight: 100 };
    j.orders.recordSigned(signed);
    j.orders.recordSigned(signed);
    expect(j.orders.signatures("p1:1")).toHaveLength(1);
    expect(j.orders.signatures("p1:1")[0]?.signedBytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(j.orders.resolution("p1:1")).toEqual({ kind: "pending", signature: "S1" });
    expect(j.orders.pendingSignatures().map((s) => s.signature)).toEqual(["S1"]);

    // The first send expired; the executor signs again; the second lands.
    j.orders.recordSigned({ ...signed, signature: "S2", lastValidBlockHeight: 200 });
    j.orders.markExpired("p1:1", "S1");
    expect(j.orders.resolution("p1:1")).toEqual({ kind: "pending", signature: "S2" });
    const fill = { intentId: "p1:1", positionId: "p1", mint: "MINT", side: "buy" as const, qty: 10, sol: 1, feeSol: 0, decimals: null, signature: "S2", ts: 3 };
    j.orders.recordFill(fill);
    j.orders.recordFill({ ...fill, qty: 11 });
    j.orders.markExpired("p1:1", "S2");
    j.orders.markFailed("p1:1", "late");
    expect(j.orders.resolution("p1:1")).toMatchObject({ kind: "filled", fill: { qty: 10 } });
    expect(j.orders.pendingSignatures()).toEqual([]);

    j.orders.recordIntent(intent(2, { side: "sell", kind: "exit" }));
    j.orders.recordSigned({ ...signed, intentId: "p1:2", signature: "S3" });
    j.orders.markFailed("p1:2", "simulation failed: slippage");
    expect(j.orders.resolution("p1:2")).toEqual({ kind: "failed", error: "simulation failed: slippage" });
    expect(j.orders.signatures("p1:2")[0]?.status).toBe("expired");

    j.orders.recordIntent(intent(3));
    j.orders.recordSigned({ ...signed, intentId: "p1:3", signature: "S4" });
    j.orders.markUnknown("p1:3", "S4");
    expect(j.orders.intent("p1:3")?.status).toBe("unknown");
    j.orders.markExpired("p1:3", "S4");
    expect(j.orders.resolution("p1:3")).toEqual({ kind: "expired" });

    // The mirror sees each status once, in order; the fill once.
    const rows = j.outbox.read(0, 100);
    const p11 = rows.filter((r) => r.table === "order_intents" && r.row["intent_id"] === "p1:1").map((r) => r.row["status"]);
    expect(p11).toEqual(["created", "signed", "filled"]);
    expect(rows.filter((r) => r.table === "fills")).toHaveLength(1);
    j.close();
  });

  it("keeps the supervisor's records across boots, once each, newest last", () => {
    const path = join(tmp(), "j.sqlite");
    const j = Journal.open(path);
    const boot1 = j.next("boot");
    j.supervisor.record(boot1, { seq: 1, state: "mode.starting", reason: "boot", ts: 10 });
    j.supervisor.record(boot1, { seq: 2, state: "mode.running.enabled", reason: "ready", ts: 20 });
    j.supervisor.record(boot1, { seq: 2, state: "mode.running.enabled", reason: "ready", ts: 20 });
    j.close();
    const again = Journal.open(path);
    const boot2 = again.next("boot");
    again.supervisor.record(boot2, { seq: 1, state: "mode.starting", reason: "boot", ts: 30 });
    expect(again.supervisor.recent(10).map((r) => [r.boot, r.seq, r.state])).toEqual([
      [1, 1, "mode.starting"], [1, 2, "mode.running.enabled"], [2, 1, "mode.starting"],
    ]);
    expect(again.supervisor.recent(1)).toEqual([{ boot: 2, seq: 1, state: "mode.starting", reason: "boot", ts: 30 }]);
    // Each record reaches the mirror once.
    expect(again.outbox.read(0, 100).filter((r) => r.table === "supervisor_transitions")).toHaveLength(3);
    again.close();
  });

  it("keeps the operator's stop across reopens, the first one while it holds, until resumed", () => {
    const path = join(tmp(), "j.sqlite");
    const j = Journal.open(path);
    expect(j.supervisor.entriesStop()).toBeNull();
    j.supervisor.stopEntries({ source: "api", reason: "emergency", ts: 100 });
    j.supervisor.stopEntries({ source: "stop-file", reason: "stop file STOP_SIGNAL", ts: 200 });
    j.close();
    const again = Journal.open(path);
    expect(again.supervisor.entriesStop()).toEqual({ source: "api", reason: "emergency", ts: 100 });
    again.supervisor.resumeEntries();
    again.close();
    const third = Journal.open(path);
    expect(third.supervisor.entriesStop()).toBeNull();
    third.close();
  });

  it("ignores a torn last commit: the file opens with every earlier commit", () => {
    const dir = tmp();
    const path = join(dir, "j.sqlite");
    const j = Journal.open(path, { clock: new VirtualClock() });
    for (let n = 1; n <= 5; n++) j.orders.recordIntent(intent(n));
    // A crash snapshot: the files as they are on disk while the writer is still running.
    const copy = (name: string) => {
      const to = join(dir, name);
      copyFileSync(path, to);
      copyFileSync(`${path}-wal`, `${to}-wal`);
      return to;
    };
    const before = statSync(`${path}-wal`).size;
    j.orders.recordIntent(intent(6, { reason: "x".repeat(3_000) }));
    const grew = statSync(`${path}-wal`).size - before;
    expect(grew).toBeGreaterThan(0);

    const torn = copy("torn.sqlite");
    truncateSync(`${torn}-wal`, before + Math.floor(grew / 2)); // the last commit half written
    const garbage = copy("garbage.sqlite");
    truncateSync(`${garbage}-wal`, before);
    appendFileSync(`${garbage}-wal`, Buffer.alloc(5_000, 0xab)); // a frame of junk after the last commit
    j.close();

    for (const file of [torn, garbage]) {
      const r = Journal.open(file, { clock: new VirtualClock() });
      expect(r.orders.intent("p1:5")?.status).toBe("created");
      expect(r.orders.intent("p1:6")).toBeUndefined();
      r.orders.recordIntent(intent(7)); // and it keeps working
      expect(r.orders.intent("p1:7")).toBeDefined();
      r.close();
    }
  });

  it("refuses a journal written by a newer build", () => {
    const path = join(tmp(), "j.sqlite");
    Journal.open(path).close();
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => Journal.open(path)).toThrow(/newer than this build/);
  });
});
