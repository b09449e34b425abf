/**
 * Position actors at scale (issue 6): 10,000 open positions fed price ticks, tick-to-decision
 * latency, memory per actor, and restart (restore from persisted snapshots) to all stops armed
 * for 1,000 positions. Baselines in the same process: the pure tick rule without XState for
 * latency, the journaled snapshot's size for memory.
 *
 * Positions are children of one "book" actor, as the runtime's supervisor will hold them: a
 * root actor carries its own XState system (about 1.8 KB more each).
 *
 * Run: node --expose-gc --import tsx bench/positions.bench.ts
 */
import { createActor, createMachine, fromPromise, SimulatedClock, type ActorRefFrom } from "xstate";
import { seededRng } from "../core/random.js";
import { applyTick, decideTick } from "../machines/position.logic.js";
import { positionMachine } from "../machines/position.machine.js";
import { positionParams } from "../machines/position.params.js";
import type { PositionContext, PositionEvent } from "../machines/position.types.js";

const N = 10_000;
const ROUNDS = 10;
const RESTORE = 1_000;
const ENTRY = 0.001;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const collect = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return process.memoryUsage().heapUsed;
};
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

const machine = positionMachine.provide({
  actors: {
    buy: fromPromise(async ({ input }) =>
      ({ kind: "filled" as const, qty: input.sizeSol / ENTRY, sol: input.sizeSol, signature: `b-${input.intentId}`, ts: 0 })),
    sell: fromPromise(async ({ input }) =>
      ({ kind: "filled" as const, qty: input.qty, sol: input.qty * ENTRY, signature: `s-${input.intentId}`, ts: 0 })),
  },
});
type Position = ActorRefFrom<typeof machine>;
const HOLDING = new Set(["open", "trailing"]);
const holding = (a: Position) => {
  const s = a.getSnapshot();
  return s.status === "active" && (HOLDING.has(s.value as string) || s.matches({ moonbag: "running" }));
};
const newBook = () => createActor(createMachine({}), { clock: new SimulatedClock() }).start();
const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const round3 = (x: number) => Number(x.toFixed(4));

const params = positionParams();
const book = newBook();
const rng = seededRng(6);

// 1. Open 10,000 positions and measure what each costs on the heap.
const before = await collect();
const actors: Position[] = [];
for (let i = 0; i < N; i++) {
  const input = { positionId: `p${i}`, mint: `mint${i}`, sizeSol: 1, params, ts: 0 };
  actors.push(createActor(machine, { input, parent: book, id: `p${i}` }).start());
}
await settle();
const opened = await collect();
if (!actors.every(holding)) throw new Error("not every position opened");

// 2. Ticks: a ±0.5% random walk per position; one warm-up round, then ROUNDS measured.
const prices = new Float64Array(N).fill(ENTRY);
const latencies: number[] = [];
let ts = 0;
for (let r = 0; r <= ROUNDS; r++) {
  ts += 1_000;
  for (let i = 0; i < N; i++) {
    const a = actors[i]!;
    prices[i] = prices[i]! * (1 + (rng.next() - 0.5) * 0.01);
    const event: PositionEvent = { type: "price.tick", price: prices[i]!, ts };
    const t0 = performance.now();
    a.send(event);
    const dt = performance.now() - t0;
    if (r > 0) latencies.push(dt);
  }
  await settle();
}
latencies.sort((x, y) => x - y);
const ticked = await collect();
const bytesPerActor = Math.max(opened, ticked) - before;

// Baseline: the same rule as a plain function on a context, no actor around it.
const ctx: PositionContext = actors[0]!.getSnapshot().context;
const base: number[] = [];
for (let k = 0; k < ROUNDS * N; k++) {
  const price = ENTRY * (1 + (rng.next() - 0.5) * 0.02);
  const t0 = performance.now();
  if (decideTick(ctx, price, ts).kind === "hold") applyTick(ctx, price, ts);
  base.push(performance.now() - t0);
}
base.sort((x, y) => x - y);
const journalBytes = JSON.stringify(actors[0]!.getPersistedSnapshot()).length;

// 3. Restart: 1,000 journaled snapshots back to actors, each with its stop evaluated once.
const live = actors.filter(holding).slice(0, RESTORE);
const journal = live.map((a) => JSON.stringify(a.getPersistedSnapshot()));
const lastPrice = live.map((a) => a.getSnapshot().context.track.lastPrice);
actors.length = 0; // children cannot be stopped one by one; the old book just goes idle
const beforeRestore = await collect();
const book2 = newBook();
const restoreInput = { positionId: "", mint: "", sizeSol: 0, params, ts: 0 };
const t0 = performance.now();
const restored = journal.map((json, i) =>
  // `input` is ignored when a snapshot is given; the type still asks for one.
  createActor(machine, { snapshot: JSON.parse(json), input: restoreInput, parent: book2, id: `r${i}` }).start());
restored.forEach((a, i) => a.send({ type: "price.tick", price: lastPrice[i]!, ts: ts + 1 }));
const armed = restored.every((a) => holding(a) && a.getSnapshot().context.track.stop > 0);
const restartS = (performance.now() - t0) / 1_000;
if (!armed) throw new Error("a restored position has no stop armed");
// Restored actors carry their own copy of the params (JSON has no shared references).
const restoredBytes = Math.round(((await collect()) - beforeRestore) / RESTORE);
// Proof the stops are live: a crash tick sends every restored position to exiting.
for (const a of restored) a.send({ type: "price.tick", price: 0, ts: ts + 2 });
if (!restored.every((a) => a.getSnapshot().matches("exiting") || a.getSnapshot().status === "done")) {
  throw new Error("a restored stop did not fire");
}
await settle();

const p50 = pct(latencies, 0.5);
const p99 = pct(latencies, 0.99);
const bytes = Math.round(bytesPerActor / N);
console.log(`positions: ${N} open actors, ${ROUNDS} x ${N} ticks measured`);
console.log(`tick-to-decision p50 ${p50.toFixed(4)} ms, p99 ${p99.toFixed(4)} ms (target p99 <= 1 ms)`);
console.log(`  baseline (pure rule, no actor) p50 ${pct(base, 0.5).toFixed(4)} ms, p99 ${pct(base, 0.99).toFixed(4)} ms; actor/baseline p99 = ${(p99 / Math.max(pct(base, 0.99), 1e-6)).toFixed(1)}x`);
console.log(`memory ${bytes} bytes per actor (target <= 5,000); opened ${Math.round((opened - before) / N)}, after ticks ${Math.round((ticked - before) / N)}`);
console.log(`  baseline: the journaled snapshot is ${journalBytes} bytes of JSON; actor/snapshot = ${(bytes / journalBytes).toFixed(1)}x`);
console.log(`  restored from JSON: ${restoredBytes} bytes per actor (no pending timers; own params copy)`);
console.log(`restart: ${RESTORE} positions restored from JSON with stops armed in ${restartS.toFixed(3)} s (target <= 2 s)`);
console.log(JSON.stringify({ bench: "positions", p50_ms: round3(p50), p99_ms: round3(p99), bytes_per_actor: bytes, restart_armed_s: round3(restartS) }));
