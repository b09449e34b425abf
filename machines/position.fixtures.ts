/**
 * Test helpers for the position machine: inputs, events, and a scripted executor that keeps
 * its own journal by intent id, as the real one must (a repeated intent is looked up, never
 * executed twice).
 */
import { createActor, fromPromise, SimulatedClock, type SnapshotFrom } from "xstate";
import { positionMachine } from "./position.machine.js";
import { positionParams, type PositionParams } from "./position.params.js";
import type {
  BuyInput, PositionEvent, PositionInput, ResolveInput, ResolveResult, SellInput, TradeResult,
  TransitionRecord,
} from "./position.types.js";

export type Snapshot = SnapshotFrom<typeof positionMachine>;

/** 1,000 tokens for 1 SOL: entry price 0.001 SOL per token. */
export const ENTRY = 0.001;

export const input = (params: PositionParams = positionParams(), ts = 0): PositionInput =>
  ({ positionId: "p1", mint: "MINT", sizeSol: 1, params, ts });

export const filled = (qty: number, sol: number, ts = 0, signature = "sig"): TradeResult =>
  ({ kind: "filled", qty, sol, signature, ts });

export const tick = (price: number, ts: number): PositionEvent => ({ type: "price.tick", price, ts });
export const score = (s: number, ts: number): PositionEvent => ({ type: "score.update", score: s, ts });
export const clockTick = (ts: number): PositionEvent => ({ type: "clock.tick", ts });

/** What an invoked actor sends its parent; not part of the public event union. */
export const done = (id: "buy" | "sell" | "resolve", output: TradeResult | ResolveResult): PositionEvent =>
  ({ type: `xstate.done.actor.${id}`, output }) as unknown as PositionEvent;
export const fail = (id: "buy" | "sell" | "resolve", message: string): PositionEvent =>
  ({ type: `xstate.error.actor.${id}`, error: new Error(message) }) as unknown as PositionEvent;

/** Flushes promise chains without timers: invoked promise actors settle in microtasks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** "hang": never answers; `crashAfter`: executes (journaled) but the answer is lost. */
type Outcome<O> = O | Error | "hang" | { readonly crashAfter: O };
type Step<I, O> = Outcome<O> | ((input: I) => Outcome<O>);
const HANG = new Promise<never>(() => {});

export interface Script {
  /** Price at which a default sell fills everything asked for. */
  price: number;
  buy?: Step<BuyInput, TradeResult>[];
  sell?: Step<SellInput, TradeResult>[];
  resolve?: Step<ResolveInput, ResolveResult>[];
  /** Shared between a crashed run and its restore: the executor's durable journal. */
  journal?: Map<string, TradeResult | ResolveResult>;
  executions?: { n: number };
}

/** A scripted executor; each call takes the next step of its queue (default: fill at `price`). */
export function executor(script: Script) {
  const calls = { buy: [] as BuyInput[], sell: [] as SellInput[], resolve: [] as ResolveInput[] };
  const journal = (script.journal ??= new Map());
  const executions = (script.executions ??= { n: 0 });
  const records: TransitionRecord[] = [];
  const run = <I extends { intentId: string }, O extends TradeResult | ResolveResult>(
    queue: Step<I, O>[] | undefined, dflt: (i: I) => O, log: I[], i: I,
  ): Promise<O> => {
    log.push(i);
    // A resolve shares its trade's intent id: journal them apart.
    const key = `${log === (calls.resolve as unknown) ? "resolve" : "trade"}:${i.intentId}`;
    const seen = journal.get(key);
    if (seen !== undefined) return Promise.resolve(seen as O);
    const next = queue?.shift() ?? dflt;
    const out = typeof next === "function" ? next(i) : next;
    if (out === "hang") return HANG;
    if (out instanceof Error) return Promise.reject(out);
    executions.n++;
    if ("crashAfter" in out) {
      journal.set(key, out.crashAfter);
      return HANG;
    }
    journal.set(key, out);
    return Promise.resolve(out);
  };
  const actors = {
    buy: fromPromise<TradeResult, BuyInput>(({ input: i }) =>
      run(script.buy, (b) => filled(b.sizeSol / ENTRY, b.sizeSol, 0, `buy-${b.intentId}`), calls.buy, i)),
    sell: fromPromise<TradeResult, SellInput>(({ input: i }) =>
      run(script.sell, (s) => filled(s.qty, s.qty * script.price, 0, `sell-${s.intentId}`), calls.sell, i)),
    resolveOutcome: fromPromise<ResolveResult, ResolveInput>(({ input: i }) =>
      run(script.resolve, () => ({ kind: "expired" }), calls.resolve, i)),
  };
  const machine = positionMachine.provide({
    actors,
    actions: { recordTransition: (_, r: TransitionRecord) => void records.push(r) },
  });
  return { calls, journal, records, machine, executions };
}

/** An actor on a simulated clock, with `send` that sets the scripted price and settles. */
export function startPosition(script: Script, params?: PositionParams, snapshot?: unknown) {
  const ex = executor(script);
  const clock = new SimulatedClock();
  const actor = snapshot === undefined
    ? createActor(ex.machine, { input: input(params), clock })
    : createActor(ex.machine, { snapshot: snapshot as Snapshot, input: input(params), clock });
  actor.start();
  const send = async (...events: PositionEvent[]) => {
    await settle();
    for (const e of events) {
      if (e.type === "price.tick") script.price = e.price;
      actor.send(e);
      await settle();
    }
  };
  const advance = async (ms: number) => {
    await settle();
    clock.increment(ms);
    await settle();
  };
  return { ...ex, actor, clock, send, advance, script };
}

/** Round trip through JSON, as the journal stores it. */
export const persisted = (actor: { getPersistedSnapshot(): unknown }): unknown =>
  JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
