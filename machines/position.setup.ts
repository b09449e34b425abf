/**
 * The position machine's vocabulary: types, guards, pure assigns, delays and the named
 * side effects (placeholders the runtime replaces with `.provide`). The state tree is in
 * `position.machine.ts`; the rules themselves are in `position.logic.ts`.
 */
import { assign, fromPromise, setup } from "xstate";
import {
  aiExit, applyBuy, applySell, applyTick, beginExit, beginSell, deadline, decideTick, isDust,
  nextIntent, noteFailure, retriesLeft, seeTs, startMoonbag, timeExit, validFill, withTs,
  type TickDecision,
} from "./position.logic.js";
import type {
  BuyInput, ExitReason, Fill, Order, PositionContext, PositionEvent, PositionInput,
  PositionOutput, ResolveInput, ResolveResult, SellInput, TradeResult, TransitionRecord,
} from "./position.types.js";

/** Node's timers overflow past 2^31-1 ms; longer deadlines rely on `clock.tick`. */
const MAX_TIMER_MS = 2_147_483_647;

const placeholder = <TOut, TIn>(name: string) =>
  fromPromise<TOut, TIn>(() => Promise.reject(new Error(`not provided: ${name}`)));

type Result = TradeResult | ResolveResult;
const fillOf = (r: Result): Fill | null =>
  (r.kind === "filled" || r.kind === "landed") ? r : null;

export const errorText = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === "string" ? e : "unknown error";

export const positionSetup = setup({
  types: {
    context: {} as PositionContext,
    events: {} as PositionEvent,
    input: {} as PositionInput,
    output: {} as PositionOutput,
  },
  actors: {
    buy: placeholder<TradeResult, BuyInput>("buy"),
    sell: placeholder<TradeResult, SellInput>("sell"),
    resolveOutcome: placeholder<ResolveResult, ResolveInput>("resolveOutcome"),
  },
  guards: {
    tick: ({ context, event }, p: { is: TickDecision["kind"] }) =>
      event.type === "price.tick" && decideTick(context, event.price, event.ts).kind === p.is,
    badScore: ({ event }) => event.type === "score.update" && !Number.isFinite(event.score),
    aiExit: ({ context, event }) => event.type === "score.update" && aiExit(context, event.score),
    timeUp: ({ context, event }) =>
      event.type === "clock.tick" && timeExit(context, event.ts) !== null,
    deadlineTimed: ({ context }) => {
      const d = deadline(context);
      return d !== null && d - context.track.lastTs <= MAX_TIMER_MS;
    },
    retryDue: ({ context, event }) => event.type === "clock.tick" && event.ts >= context.order.retryAt,
    result: (_, p: { result: Result; is: "unknown" | "fill" }) => {
      if (p.is === "unknown") return p.result.kind === "unknown";
      const f = fillOf(p.result);
      return f !== null && validFill(f);
    },
    outcome: ({ context }, p: { is: Order["outcome"] }) => context.order.outcome === p.is,
    soldOut: ({ context }) => context.order.outcome === "filled" && isDust(context),
    retriesLeft: ({ context }) => retriesLeft(context),
    pendingExit: ({ context }) => context.order.pendingExit !== null,
    dust: ({ context }) => isDust(context),
    inMoonbag: ({ context }) => context.track.leg === 1,
    armed: ({ context }) => context.track.armed,
    nothingToSell: ({ context }) => !(context.order.sellQty > 0),
  },
  actions: {
    /** Runtime: journal this with `getPersistedSnapshot()`. */
    recordTransition: (_, _record: TransitionRecord) => {},
    bump: assign(({ context }) => ({ seq: context.seq + 1 })),
    setReason: assign((_, p: { reason: string }) => ({ reason: p.reason })),
    seeTime: assign(({ context, event }) => withTs(context, event.ts)),
    countIgnored: assign(({ context: c, event }) =>
      ({ track: { ...c.track, ignored: c.track.ignored + 1, lastTs: seeTs(c, event.ts) } })),
    onTick: assign(({ context, event }) =>
      event.type === "price.tick" ? applyTick(context, event.price, event.ts) : {}),
    exitOnTick: assign(({ context, event }) => {
      if (event.type !== "price.tick") return {};
      const d = decideTick(context, event.price, event.ts);
      return d.kind === "exit" ? beginExit(context, d.reason) : {};
    }),
    /** From `clock.tick`, or from the deadline timer (no ts: time has reached the deadline). */
    exitOnTime: assign(({ context: c, event }) => {
      const ts = Math.max(seeTs(c, event.ts), event.type === "clock.tick" ? 0 : deadline(c) ?? 0);
      return beginExit(c, timeExit(c, ts) ?? (c.track.leg === 1 ? "moonbag_max_age" : "time_limit"), ts);
    }),
    exit: assign(({ context, event }, p: { reason: ExitReason }) => beginExit(context, p.reason, event.ts)),
    takePending: assign(({ context: c }) => beginExit(c, c.order.pendingExit ?? "user")),
    pend: assign(({ context: c, event }, p: { reason: ExitReason }) => ({
      ...withTs(c, event.ts), order: { ...c.order, pendingExit: c.order.pendingExit ?? p.reason },
    })),
    /** While an order is in flight an exit can only be noted; it is taken once it settles. */
    observe: assign(({ context: c, event }) => {
      let reason: ExitReason | null = null;
      let update = withTs(c, event.ts);
      if (event.type === "price.tick") {
        const d = decideTick(c, event.price, event.ts);
        if (d.kind === "exit") reason = d.reason;
        update = applyTick(c, event.price, event.ts);
      } else if (event.type === "score.update") {
        if (aiExit(c, event.score)) reason = "ai_exit";
      } else if (event.type === "clock.tick") reason = timeExit(c, event.ts);
      else reason = "user";
      return { ...update, order: { ...c.order, pendingExit: c.order.pendingExit ?? reason } };
    }),
    beginSell: assign(({ context }, p: { kind: "tp1" | "recover"; price: number }) =>
      beginSell(context, p.kind, p.price)),
    nextIntent: assign(({ context }) => nextIntent(context)),
    startMoonbag: assign(({ context }) => startMoonbag(context)),
    noteBuy: assign(({ context: c }, p: { result: Result }) => {
      const r = p.result;
      if (r.kind === "unknown") {
        const retryAt = c.track.lastTs + c.params.resolveRetryMs;
        return { order: { ...c.order, signature: r.signature, retryAt }, reason: "buy_unknown" };
      }
      const f = fillOf(r);
      if (f === null) return { reason: "buy_expired" };
      if (!validFill(f)) return { order: { ...c.order, signature: f.signature }, reason: "buy_empty_fill" };
      return { ...applyBuy(c, f), reason: r.kind === "landed" ? "buy_landed" : "bought" };
    }),
    noteBuyError: assign(({ context: c }, p: { error: string }) =>
      ({ order: { ...c.order, error: p.error }, reason: "buy_failed" })),
    /** Books a sell's result; "expired" and a fill that sold nothing count as failures. */
    noteSell: assign(({ context: c }, p: { result: Result }) => {
      const r = p.result;
      if (r.kind === "unknown") {
        const retryAt = c.track.lastTs + c.params.resolveRetryMs;
        return { order: { ...c.order, outcome: "unknown" as const, signature: r.signature, retryAt }, reason: "sell_unknown" };
      }
      const f = fillOf(r);
      if (f === null) return noteFailure(c, "sell_expired");
      if (!(Math.min(f.qty, c.fills.qty) > 0)) return noteFailure(c, "sell_filled_nothing");
      return applySell(c, f);
    }),
    noteSellError: assign(({ context }, p: { error: string }) => noteFailure(context, p.error)),
    noteResolveError: assign(({ context: c }, p: { error: string }) => ({
      order: { ...c.order, error: p.error, retryAt: c.track.lastTs + c.params.resolveRetryMs },
    })),
    giveUpPartial: assign(({ context: c }) => ({
      order: { ...c.order, partialRetryAt: c.track.lastTs + c.params.stalledRetryMs, attempts: 0 },
      reason: `${c.order.sellKind}_sell_gave_up`,
    })),
    stall: assign(({ context: c }) => ({
      order: { ...c.order, retryAt: c.track.lastTs + c.params.stalledRetryMs, attempts: 0 },
      reason: "exit_stalled",
    })),
    closeReason: assign(({ context }) => ({ reason: context.order.exitReason ?? "dust" })),
  },
  delays: {
    untilRetry: ({ context: c }) => Math.min(MAX_TIMER_MS, Math.max(0, c.order.retryAt - c.track.lastTs)),
    untilDeadline: ({ context }) => {
      const d = deadline(context);
      return d === null ? MAX_TIMER_MS : Math.min(MAX_TIMER_MS, Math.max(0, d - context.track.lastTs));
    },
  },
});
