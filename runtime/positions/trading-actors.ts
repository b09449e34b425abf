/**
 * The position machine's `buy`, `sell` and `resolveOutcome`, provided from the executor port and
 * the journal. Each call first records its intent (idempotent), then answers from the journal
 * whatever the journal already knows about that intent id: a fill, an expiry, a failure, or a
 * pending signature (answered "unknown", so the machine resolves it: never signed twice). Only
 * an intent that was never signed reaches the executor. Its answer is journaled before the
 * machine sees it, so a crash right after is answered the same way on restore.
 */
import { Effect, Result } from "effect";
import { fromPromise } from "xstate";
import type { Clock } from "../../core/clock.js";
import { fillQty, fillSol, type ExecutorError, type ExecutorShape, type Fill as ExecFill, type TradeOutcome } from "../../actors/executor/executor.js";
import type { Submission } from "../../chain/tx/submission.js";
import type { BuyInput, ResolveInput, ResolveResult, SellInput, TradeResult } from "../../machines/position.types.js";
import { toSubmission } from "../journal/executor-port.js";
import type { Journal } from "../journal/journal.js";
import type { FillRecord, Side } from "../journal/types.js";

/** Runs an executor effect with the actor's signal; the one bridge from XState to Effect. */
export type EffectRunner = <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal) => Promise<Result.Result<A, E>>;
export const runEffect: EffectRunner = (effect, signal) => Effect.runPromise(Effect.result(effect), { signal });

export interface TradingActorsOptions {
  readonly journal: Journal;
  readonly executor: ExecutorShape;
  readonly clock: Clock;
  readonly slippageBps: number;
  readonly run?: EffectRunner;
  /** True when no other open position holds this mint: an exit then sells the whole balance. */
  readonly soleHolder: (positionId: string, mint: string) => boolean;
}

interface Order { readonly intentId: string; readonly positionId: string; readonly mint: string; readonly side: Side }

const LAMPORTS = 1e9;
const filled = (f: FillRecord): TradeResult => ({ kind: "filled", qty: f.qty, sol: f.sol, signature: f.signature, ts: f.ts });
const landed = (f: FillRecord): ResolveResult => ({ kind: "landed", qty: f.qty, sol: f.sol, signature: f.signature, ts: f.ts });
const EXPIRED: ResolveResult = { kind: "expired" };

/** The journal's fill from the executor's (balance changes in raw units). */
export const fillRecordOf = (f: ExecFill, positionId: string): FillRecord => ({
  intentId: f.intentId, positionId, mint: f.mint, side: f.side, qty: fillQty(f), sol: fillSol(f),
  feeSol: Number(f.feeLamports) / LAMPORTS, decimals: f.decimals, signature: f.signature, ts: f.tsInit,
});

/** What the journal already says about an intent: a result, an error to throw, or null (never signed). */
export function journaledTrade(journal: Journal, intentId: string): TradeResult | Error | null {
  const r = journal.orders.resolution(intentId);
  switch (r.kind) {
    case "filled": return filled(r.fill);
    case "expired": return new Error(`${intentId} expired: its blockhash passed and it is not on chain`);
    case "failed": return new Error(r.error);
    case "pending": return { kind: "unknown", signature: r.signature };
    case "unsigned": return null;
  }
}

export function journaledResolve(journal: Journal, intentId: string): ResolveResult | null {
  const r = journal.orders.resolution(intentId);
  return r.kind === "filled" ? landed(r.fill) : r.kind === "expired" || r.kind === "failed" ? EXPIRED : null;
}

const settled = <T>(answer: T | Error): T => {
  if (answer instanceof Error) throw answer;
  return answer;
};

const describe = (e: ExecutorError): string => `${e._tag}: ${e.message}`;

export function tradingActors(o: TradingActorsOptions) {
  const { journal, executor } = o;
  const run = o.run ?? runEffect;

  /** Journals what the executor said; facts become results, anything else is judged by the journal. */
  const execute = async (order: Order, call: Effect.Effect<TradeOutcome, ExecutorError>, signal: AbortSignal): Promise<TradeResult> => {
    let res: Result.Result<TradeOutcome, ExecutorError>;
    try {
      res = await run(call, signal);
    } catch (e) {
      if (signal.aborted) throw e; // the state was left or the book stopped: decide nothing
      return unsure(order, `executor defect: ${String(e)}`);
    }
    if (Result.isSuccess(res)) return booked(order, res.success);
    const err = res.failure;
    if (err._tag === "ExecutorUnknownOutcomeError") {
      journal.orders.recordSigned(err.submission);
      journal.orders.markUnknown(order.intentId, err.submission.signature);
      return { kind: "unknown", signature: err.submission.signature };
    }
    return unsure(order, describe(err));
  };

  /** Anything signed may have been sent: unknown. Nothing signed: provably nothing sent. */
  const unsure = (order: Order, error: string): TradeResult => {
    const r = journal.orders.resolution(order.intentId);
    if (r.kind === "pending") {
      journal.orders.markUnknown(order.intentId, r.signature);
      return { kind: "unknown", signature: r.signature };
    }
    journal.orders.markFailed(order.intentId, error);
    throw new Error(error);
  };

  const booked = (order: Order, out: TradeOutcome): TradeResult => {
    if (out._tag === "Filled") {
      const f = fillRecordOf(out.fill, order.positionId);
      journal.orders.recordFill(f);
      return settled(journaledTrade(journal, order.intentId) ?? filled(f));
    }
    if (out._tag === "Failed") {
      journal.orders.markFailed(order.intentId, `landed with an error, nothing swapped: ${out.reason}`);
    } else {
      journal.orders.markExpired(order.intentId, out.submission.signature);
    }
    return settled(journaledTrade(journal, order.intentId) ?? new Error(`${order.intentId}: ${out._tag}`));
  };

  const decimals = async (mint: string, signal: AbortSignal): Promise<number> => {
    const known = journal.orders.decimalsOf(mint);
    if (known !== undefined) return known;
    const h = await run(executor.tokenBalance(mint), signal);
    if (Result.isSuccess(h) && h.success.decimals !== null) return h.success.decimals;
    throw new Error(`decimals of ${mint} unknown: no fill and no token account says`);
  };

  const buy = fromPromise<TradeResult, BuyInput>(async ({ input: i, signal }) => {
    const lamports = BigInt(Math.round(i.sizeSol * LAMPORTS));
    journal.orders.recordIntent({
      intentId: i.intentId, positionId: i.positionId, mint: i.mint, side: "buy", kind: "buy", amount: i.sizeSol,
      amountRaw: lamports.toString(), slippageBps: o.slippageBps, reason: "entry", ts: o.clock.now(),
    });
    const known = journaledTrade(journal, i.intentId);
    if (known !== null) return settled(known);
    const order = { intentId: i.intentId, positionId: i.positionId, mint: i.mint, side: "buy" as const };
    return execute(order, executor.buy({ intentId: i.intentId, mint: i.mint, lamports, slippageBps: o.slippageBps }), signal);
  });

  const sell = fromPromise<TradeResult, SellInput>(async ({ input: i, signal }) => {
    const known = journaledTrade(journal, i.intentId);
    if (known !== null) return settled(known);
    const raw = BigInt(Math.max(0, Math.round(i.qty * 10 ** (await decimals(i.mint, signal)))));
    journal.orders.recordIntent({
      intentId: i.intentId, positionId: i.positionId, mint: i.mint, side: "sell", kind: i.kind, amount: i.qty,
      amountRaw: raw.toString(), slippageBps: o.slippageBps, reason: i.reason, ts: o.clock.now(),
    });
    // The whole balance on an exit when no other position shares the mint: no dust from rounding.
    const amount = i.kind === "exit" && o.soleHolder(i.positionId, i.mint) ? "all" : raw;
    const order = { intentId: i.intentId, positionId: i.positionId, mint: i.mint, side: "sell" as const };
    return execute(order, executor.sell({ intentId: i.intentId, mint: i.mint, amount, slippageBps: o.slippageBps }), signal);
  });

  const resolveOutcome = fromPromise<ResolveResult, ResolveInput>(async ({ input: i, signal }) => {
    const known = journaledResolve(journal, i.intentId);
    if (known !== null) return known;
    const res = await run(executor.resolve(submissionOf(journal, i)), signal);
    if (Result.isFailure(res)) throw new Error(describe(res.failure)); // still unknown: asked again later
    const out = res.success;
    if (out._tag === "Filled") journal.orders.recordFill(fillRecordOf(out.fill, i.positionId));
    else if (out._tag === "Failed") journal.orders.markFailed(i.intentId, `landed with an error, nothing swapped: ${out.reason}`);
    else journal.orders.markExpired(i.intentId, out.submission.signature);
    return journaledResolve(journal, i.intentId) ?? EXPIRED;
  });

  return { buy, sell, resolveOutcome };
}

/** The journaled submission behind a signature; a bare one for executors that journal nothing. */
export function submissionOf(journal: Journal, i: Pick<ResolveInput, "intentId" | "side" | "signature">): Submission {
  const s = journal.orders.signature(i.signature);
  if (s !== undefined) return toSubmission(s);
  const mint = journal.orders.intent(i.intentId)?.mint ?? "";
  return { intentId: i.intentId, side: i.side, mint, signature: i.signature, signedBytes: new Uint8Array(), blockhash: "", lastValidBlockHeight: 0 };
}

const waitForAbort = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));

/**
 * Recovery's replay actors: the journal's answers only, no I/O. An intent the journal cannot
 * answer waits until the actor is stopped; the real actors ask the executor afterwards.
 */
export function journalOnlyActors(journal: Journal) {
  const trade = <I extends { intentId: string }>() =>
    fromPromise<TradeResult, I>(({ input, signal }) => {
      const known = journaledTrade(journal, input.intentId);
      return known === null ? waitForAbort(signal) : known instanceof Error ? Promise.reject(known) : Promise.resolve(known);
    });
  return {
    buy: trade<BuyInput>(),
    sell: trade<SellInput>(),
    resolveOutcome: fromPromise<ResolveResult, ResolveInput>(({ input, signal }) => {
      const known = journaledResolve(journal, input.intentId);
      return known === null ? waitForAbort(signal) : Promise.resolve(known);
    }),
  };
}
