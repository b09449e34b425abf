/**
 * One open position as a statechart (issue 6, item 1). Pure: the buy, sell and outcome
 * resolution are invoked actors and `recordTransition` is an action, all provided by runtime/.
 *
 * entering ─fill─> route ─> open ─+5%─> trailing        holding states: open, trailing,
 *   │ └─unknown─landed─┘       +10% ─> tp1 (sell half) ─> route              moonbag.running
 *   └─> failed                 2x ─> moonbag.recovering (sell the cost back) ─> moonbag.running
 * any holding state ─stop / price <= 0 / AI / time / user─> exiting (sell all, retry) ─> closed
 *
 * Time: deadlines and retries are absolute times in context; `after` timers (actor clock) are
 * the fast path, and a `clock.tick {ts}` from the runtime fires them too: XState does not
 * persist pending timers, so after a restore only `clock.tick` moves them.
 */
import { initialContext, intentId, output } from "./position.logic.js";
import { errorText, positionSetup as s } from "./position.setup.js";
import type { PositionContext, SellKind } from "./position.types.js";

/** Bump when the context shape or the state tree changes: journaled with every snapshot. */
export const POSITION_MACHINE_VERSION = 1;

/** Every state entry bumps `seq` and hands the runtime the state and the reason. */
const enter = (state: string) => [
  { type: "bump" as const },
  {
    type: "recordTransition" as const,
    params: ({ context: c }: { context: PositionContext }) => ({
      positionId: c.positionId, seq: c.seq, state, reason: c.reason, ts: c.track.lastTs,
    }),
  },
];

const EXIT = "#position.exiting";

/** open, trailing and moonbag.running: the stop is checked on every tick, first. */
const holding = (state: string) =>
  s.createStateConfig({
    entry: enter(state),
    on: {
      "price.tick": [
        { guard: { type: "tick", params: { is: "ignore" } }, actions: "countIgnored" },
        { guard: { type: "tick", params: { is: "exit" } }, target: EXIT, actions: ["exitOnTick", "onTick"] },
        {
          guard: { type: "tick", params: { is: "moonbag" } }, target: "#position.moonbag",
          actions: ["onTick", { type: "beginSell", params: ({ event }) => ({ kind: "recover" as const, price: event.price }) }],
        },
        {
          guard: { type: "tick", params: { is: "tp1" } }, target: "#position.tp1",
          actions: ["onTick", { type: "beginSell", params: ({ event }) => ({ kind: "tp1" as const, price: event.price }) }],
        },
        {
          guard: { type: "tick", params: { is: "arm" } }, target: "#position.trailing",
          actions: ["onTick", { type: "setReason", params: { reason: "trailing_armed" } }],
        },
        { actions: "onTick" },
      ],
      "score.update": [
        { guard: "badScore", actions: "countIgnored" },
        { guard: "aiExit", target: EXIT, actions: { type: "exit", params: { reason: "ai_exit" } } },
        { actions: "seeTime" },
      ],
      "clock.tick": [{ guard: "timeUp", target: EXIT, actions: "exitOnTime" }, { actions: "seeTime" }],
      "user.exit": { target: EXIT, actions: { type: "exit", params: { reason: "user" } } },
    },
    after: { untilDeadline: { guard: "deadlineTimed", target: EXIT, actions: "exitOnTime" } },
  });

const sellInput = ({ context: c }: { context: PositionContext }) => ({
  positionId: c.positionId, mint: c.mint, intentId: intentId(c), kind: c.order.sellKind,
  qty: c.order.sellQty, reason: c.order.sellKind === "exit" ? (c.order.exitReason ?? "exit") : c.order.sellKind,
});

/**
 * One sell leg: TP1 and the moonbag's cost recovery are partial (a failure never books them;
 * they give up after the retries and may re-trigger later), the exit retries until sold.
 */
const sellLeg = (kind: SellKind, state: string) => {
  const partial = kind !== "exit";
  const see = partial ? ("observe" as const) : ("seeTime" as const);
  const onFailed = partial
    ? [
        { guard: "pendingExit" as const, target: EXIT, actions: "takePending" as const },
        { guard: "retriesLeft" as const, target: "backoff" },
        { target: "#position.route", actions: "giveUpPartial" as const },
      ]
    : [{ guard: "retriesLeft" as const, target: "backoff" }, { target: "stalled" }];
  const onFilled = partial
    ? [{
        guard: { type: "outcome" as const, params: { is: "filled" as const } }, target: "#position.route",
        actions: { type: "setReason" as const, params: { reason: kind === "tp1" ? "tp1_filled" : "moonbag_recovered" } },
      }]
    : [
        { guard: "soldOut" as const, target: "#position.closed", actions: "closeReason" as const },
        {
          guard: { type: "outcome" as const, params: { is: "filled" as const } }, target: "selling",
          actions: ["nextIntent" as const, { type: "setReason" as const, params: { reason: "partial_fill" } }],
        },
      ];
  return s.createStateConfig({
    entry: enter(state),
    initial: "selling",
    states: {
      selling: {
        invoke: {
          id: "sell", src: "sell", input: sellInput,
          onDone: { target: "settle", actions: { type: "noteSell", params: ({ event }) => ({ result: event.output }) } },
          onError: { target: "settle", actions: { type: "noteSellError", params: ({ event }) => ({ error: errorText(event.error) }) } },
        },
      },
      settle: {
        // An unknown outcome waits before the first look: the transaction needs time to land.
        always: [{ guard: { type: "outcome", params: { is: "unknown" } }, target: "unknown" }, ...onFilled, ...onFailed],
      },
      backoff: {
        entry: enter(`${state}.backoff`),
        always: partial ? [{ guard: "pendingExit", target: EXIT, actions: "takePending" }] : [],
        after: { untilRetry: { target: "selling", actions: "nextIntent" } },
        on: { "clock.tick": { guard: "retryDue", target: "selling", actions: [see, "nextIntent"] } },
      },
      resolving: {
        invoke: {
          id: "resolve", src: "resolveOutcome",
          input: ({ context: c }) => ({ positionId: c.positionId, intentId: intentId(c), side: "sell" as const, signature: c.order.signature ?? "" }),
          onDone: { target: "settle", actions: { type: "noteSell", params: ({ event }) => ({ result: event.output }) } },
          onError: { target: "unknown", actions: { type: "noteResolveError", params: ({ event }) => ({ error: errorText(event.error) }) } },
        },
      },
      unknown: {
        entry: enter(`${state}.unknown`),
        after: { untilRetry: "resolving" },
        on: { "clock.tick": { guard: "retryDue", target: "resolving", actions: see } },
      },
      // Only an exit stalls: it must sell in the end, so it never gives up.
      ...(partial ? {} : {
        stalled: {
          entry: ["stall", ...enter(`${state}.stalled`)],
          after: { untilRetry: { target: "selling", actions: "nextIntent" } },
          on: {
            "clock.tick": { guard: "retryDue", target: "selling", actions: ["seeTime", "nextIntent"] },
            "user.exit": { target: "selling", actions: "nextIntent" },
          },
        },
      }),
    },
    on: partial
      ? { "price.tick": { actions: "observe" }, "score.update": { actions: "observe" }, "clock.tick": { actions: "observe" }, "user.exit": { actions: "observe" } }
      : { "price.tick": { actions: "onTick" }, "score.update": { actions: "seeTime" }, "clock.tick": { actions: "seeTime" } },
  });
};

/** Before anything is held, an exit can only be noted; `route` takes it once the buy settles. */
const waitingOn = {
  "user.exit": { actions: { type: "pend" as const, params: { reason: "user" as const } } },
  "price.tick": { actions: "seeTime" as const },
  "score.update": { actions: "seeTime" as const },
  "clock.tick": { actions: "seeTime" as const },
};

export const positionMachine = s.createMachine({
  id: "position",
  version: String(POSITION_MACHINE_VERSION),
  context: ({ input }) => initialContext(input),
  output: ({ context }) => output(context, context.fills.qtyBought > 0 ? "closed" : "failed"),
  initial: "entering",
  states: {
    entering: {
      entry: enter("entering"),
      invoke: {
        id: "buy", src: "buy",
        input: ({ context: c }) => ({ positionId: c.positionId, mint: c.mint, intentId: intentId(c), sizeSol: c.sizeSol }),
        onDone: [
          {
            guard: { type: "result", params: ({ event }) => ({ result: event.output, is: "unknown" as const }) },
            target: "unknown", actions: { type: "noteBuy", params: ({ event }) => ({ result: event.output }) },
          },
          {
            guard: { type: "result", params: ({ event }) => ({ result: event.output, is: "fill" as const }) },
            target: "route", actions: { type: "noteBuy", params: ({ event }) => ({ result: event.output }) },
          },
          { target: "failed", actions: { type: "noteBuy", params: ({ event }) => ({ result: event.output }) } },
        ],
        onError: { target: "failed", actions: { type: "noteBuyError", params: ({ event }) => ({ error: errorText(event.error) }) } },
      },
      on: waitingOn,
    },
    unknown: {
      entry: enter("unknown"),
      initial: "waiting",
      states: {
        resolving: {
          invoke: {
            id: "resolve", src: "resolveOutcome",
            input: ({ context: c }) => ({ positionId: c.positionId, intentId: intentId(c), side: "buy" as const, signature: c.order.signature ?? "" }),
            onDone: [
              {
                guard: { type: "result", params: ({ event }) => ({ result: event.output, is: "fill" as const }) },
                target: "#position.route", actions: { type: "noteBuy", params: ({ event }) => ({ result: event.output }) },
              },
              {
                guard: { type: "result", params: ({ event }) => ({ result: event.output, is: "unknown" as const }) },
                target: "waiting", actions: { type: "noteResolveError", params: { error: "still unknown" } },
              },
              { target: "#position.failed", actions: { type: "noteBuy", params: ({ event }) => ({ result: event.output }) } },
            ],
            onError: { target: "waiting", actions: { type: "noteResolveError", params: ({ event }) => ({ error: errorText(event.error) }) } },
          },
        },
        waiting: {
          after: { untilRetry: "resolving" },
          on: { "clock.tick": { guard: "retryDue", target: "resolving", actions: "seeTime" } },
        },
      },
      on: waitingOn,
    },
    /** Transient: where a settled buy or partial sell leaves the position. */
    route: {
      always: [
        { guard: "dust", target: "closed", actions: "closeReason" },
        { guard: "pendingExit", target: "exiting", actions: "takePending" },
        { guard: "inMoonbag", target: "moonbag.running" },
        { guard: "armed", target: "trailing" },
        { target: "open" },
      ],
    },
    open: holding("open"),
    trailing: holding("trailing"),
    tp1: sellLeg("tp1", "tp1"),
    moonbag: {
      initial: "start",
      states: {
        start: {
          always: [
            { guard: "nothingToSell", target: "running", actions: ["startMoonbag", { type: "setReason", params: { reason: "moonbag_free" } }] },
            { target: "recovering" },
          ],
        },
        recovering: sellLeg("recover", "moonbag.recovering"),
        running: holding("moonbag.running"),
      },
    },
    exiting: sellLeg("exit", "exiting"),
    closed: { type: "final", entry: enter("closed") },
    failed: { type: "final", entry: enter("failed") },
  },
});
