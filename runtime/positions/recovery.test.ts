/**
 * Restarts in every state that holds an order, on the test chain: the answer of the order in
 * flight is lost (the executor call is aborted), the journal and the chain survive.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Effect } from "effect";
import { positionParams } from "../../machines/position.params.js";
import { ENTRY, T0, entry, harness, type Harness } from "./book.fixtures.js";

let h: Harness;
afterEach(() => h?.close());

const open = async (mint = "MINT") => {
  const r = await h.book.open(entry(mint));
  if (!r.ok) throw new Error("refused");
  return r.positionId;
};
const price = (mint: string, p: number) => {
  h.chain.setPrice(mint, p);
  h.book.priceTick(mint, p);
};
const signaturesMade = () => [...h.executor.signatures.values()].flat().length;
/** The journaled history reads as one path: each transition starts where the last one ended. */
const history = (id: string) => {
  const ts = h.book.get(id)!.transitions;
  ts.forEach((t, i) => expect(t.fromState).toBe(i === 0 ? "new" : ts[i - 1]!.toState));
  expect(ts.map((t) => t.seq)).toEqual(ts.map((_, i) => i + 1));
  return ts.map((t) => t.toState);
};

describe("recovery", () => {
  it("a buy that landed while its answer was lost is booked from the chain, not bought again", async () => {
    h = harness();
    await h.book.ready;
    h.executor.faults.buy.push("hangAfterLanding");
    const id = await open();
    await h.until(id, "entering");
    expect(h.chain.count("buy")).toBe(1);
    h.restart();
    const report = await h.book.ready;
    expect(report).toMatchObject({ restored: [id], signatures: { landed: 1, expired: 0, unresolved: 0 }, adjusted: [], deferredMints: [] });
    await h.until(id, "open");
    expect(h.chain.count("buy")).toBe(1);
    expect(signaturesMade()).toBe(0); // the new executor signed nothing
    expect(h.book.get(id)).toMatchObject({ qty: 1_000, stopKind: "loss" });
    expect(h.book.get(id)!.stop).toBeCloseTo(ENTRY * 0.95, 12);
    // The stop is armed: the first tick below it exits.
    price("MINT", ENTRY * 0.94);
    await h.until(id, "closed");
    expect(h.chain.count("sell")).toBe(1);
    expect(history(id)).toEqual(["entering", "open", "exiting", "closed"]);
  });

  it("restores in tp1 selling, moonbag recovering and exiting with each sell booked once", async () => {
    h = harness({ mints: ["A", "B", "C"] });
    const [a, b, c] = [await open("A"), await open("B"), await open("C")];
    for (const id of [a, b, c]) await h.until(id, "open");
    h.executor.faults.sell.push("hangAfterLanding", "hangAfterLanding", "hangAfterLanding");
    price("A", ENTRY * 1.1);
    price("B", ENTRY * 0.9);
    price("C", ENTRY * 2.5);
    await h.until(a, "tp1.selling");
    await h.until(b, "exiting.selling");
    await h.until(c, "moonbag.recovering.selling");
    h.restart();
    const report = await h.book.ready;
    expect(report.signatures).toEqual({ landed: 3, expired: 0, unresolved: 0 });
    await h.until(a, "trailing");
    await h.until(b, "closed");
    await h.until(c, "moonbag.running");
    expect(["A", "B", "C"].map((m) => h.chain.count("sell", m))).toEqual([1, 1, 1]);
    expect(h.book.get(a)).toMatchObject({ qty: 500, tp1Done: true, stopKind: "trailing" });
    expect(h.chain.tokenQty("A")).toBe(500);
    expect(h.book.get(c)).toMatchObject({ qty: 600, stopKind: "moonbag" }); // 400 sold at 2.5x: the cost back
    expect(h.chain.tokenQty("C")).toBe(600);
    expect(history(a)).toEqual(["entering", "open", "tp1", "trailing"]);
    expect(history(b)).toEqual(["entering", "open", "exiting", "closed"]);
    expect(history(c)).toEqual(["entering", "open", "moonbag.recovering", "moonbag.running"]);
    // Reconciled after their replay: the balances matched, so nothing was adjusted.
    expect(report.adjusted).toEqual([]);
  });

  it("an expired buy fails the position and an expired exit is sold under a new intent", async () => {
    h = harness({ mints: ["A", "B"] });
    const b = await open("B");
    await h.until(b, "open");
    h.executor.faults.buy.push("drop");
    h.executor.faults.sell.push("drop");
    const a = await open("A");
    await h.until(a, "unknown.waiting");
    price("B", ENTRY * 0.9);
    await h.until(b, "exiting.unknown");
    h.chain.advance(11); // past both blockhashes: the dropped sends can never land
    h.clock.advance(5_000); // the downtime: past the machines' next look at the outcome
    h.restart();
    const report = await h.book.ready;
    expect(report.signatures).toEqual({ landed: 0, expired: 2, unresolved: 0 });
    await h.until(a, "failed");
    await h.until(b, "exiting.backoff"); // an expired sell is a failed attempt: retried after backoff
    h.tick(1_000);
    await h.until(b, "closed");
    expect(h.chain.count("buy", "A")).toBe(0);
    expect(h.chain.count("sell", "B")).toBe(1);
    expect(h.book.get(b)!.intents.map((i) => [i.kind, i.status])).toEqual([["buy", "filled"], ["exit", "expired"], ["exit", "filled"]]);
  });

  it("a send still unresolved at restart is resolved later, never signed again", async () => {
    h = harness();
    h.executor.faults.buy.push("drop");
    const id = await open();
    await h.until(id, "unknown.waiting");
    h.restart();
    expect(await h.book.ready).toMatchObject({ signatures: { unresolved: 1 }, deferredMints: ["MINT"], restored: [id] });
    h.chain.advance(11);
    h.tick(2_000);
    await h.until(id, "failed");
    expect(signaturesMade()).toBe(0);
    expect(h.chain.count("buy")).toBe(0);
  });

  it("the balance wins: tokens sold elsewhere close the position as external, a shortfall shrinks it", async () => {
    h = harness({ mints: ["A", "B", "C"] });
    const [a, b, c] = [await open("A"), await open("B"), await open("C")];
    for (const id of [a, b, c]) await h.until(id, "open");
    h.chain.removeTokens("A", 1_000);
    h.chain.removeTokens("B", 400);
    h.chain.tokens.set("C", h.chain.tokens.get("C")! + 5_000_000n); // 5 tokens airdropped
    h.restart();
    const report = await h.book.ready;
    expect(report.adjusted).toEqual([
      { positionId: a, mint: "A", fromQty: 1_000, toQty: 0, close: true },
      { positionId: b, mint: "B", fromQty: 1_000, toQty: 600, close: false },
    ]);
    expect(report.surplus).toEqual([{ mint: "C", qty: 5 }]);
    expect([...report.restored].sort()).toEqual([b, c].sort());
    expect(h.book.get(a)).toMatchObject({ status: "done", state: "closed", reason: "external", qty: 0 });
    expect(h.book.get(a)!.transitions.at(-1)).toMatchObject({ fromState: "open", toState: "closed", event: "recovery.reconcile", reason: "external" });
    expect(h.book.get(b)).toMatchObject({ status: "active", qty: 600, reason: "balance_reconciled" });
    expect(history(a)).toEqual(["entering", "open", "closed"]);
    price("B", ENTRY * 0.9);
    await h.until(b, "closed");
    expect(history(b)).toEqual(["entering", "open", "open", "exiting", "closed"]);
    expect(h.chain.tokenQty("B")).toBe(0);
    expect(h.chain.count("sell")).toBe(1);
  });

  it("entries wait for recovery, which waits for the chain's balances", async () => {
    h = harness({ mints: ["A", "B"] });
    const a = await open("A");
    await h.until(a, "open");
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    h.restart((e) => {
      const real = e.tokenBalance;
      Object.assign(e, { tokenBalance: (mint: string) => Effect.promise(() => gate).pipe(Effect.flatMap(() => real(mint))) });
    });
    let entered: boolean | undefined;
    const second = h.book.open(entry("B")).then((r) => (entered = r.ok));
    await new Promise((r) => setImmediate(r));
    expect([h.book.isReady, entered, h.chain.count("buy")]).toEqual([false, undefined, 1]);
    release();
    await second;
    expect(entered).toBe(true);
    expect(h.book.list("active").map((p) => p.positionId).sort()).toEqual([a, "pos-2"]);
  });

  it("a position journaled before its first snapshot is restored from its input and bought once", async () => {
    h = harness();
    await h.book.ready;
    const input = { positionId: "early", mint: "MINT", sizeSol: 1, params: positionParams(), ts: T0 };
    h.journal.positions.create(input, 1, T0); // the crash came right after this commit
    h.restart();
    expect(await h.book.ready).toMatchObject({ restored: ["early"], deferredMints: ["MINT"] });
    await h.until("early", "open");
    expect(h.chain.count("buy")).toBe(1);
    h.restart();
    await h.book.ready;
    await h.until("early", "open");
    expect(h.chain.count("buy")).toBe(1);
  });

  it("an unreadable balance still restarts the position (stops armed) but keeps entries off", async () => {
    h = harness();
    const id = await open();
    await h.until(id, "open");
    h.restart((e) => Object.assign(e, { tokenBalance: () => Effect.fail(new Error("rpc down")) }));
    await expect(h.book.ready).rejects.toThrow(/MINT balance could not be read/);
    expect(h.book.list("active").map((p) => p.positionId)).toEqual([id]);
    price("MINT", ENTRY * 0.9);
    await h.until(id, "closed");
  });

  it("refuses to restore a snapshot of another machine version; entries stay off", async () => {
    h = harness();
    await h.book.ready;
    h.journal.positions.create({ positionId: "old", mint: "MINT", sizeSol: 1, params: positionParams(), ts: T0 }, 0, T0);
    h.restart();
    await expect(h.book.ready).rejects.toThrow(/old \(v0\).*migrate/);
    await expect(h.book.open(entry("MINT"))).rejects.toThrow(/migrate/);
  });
});
