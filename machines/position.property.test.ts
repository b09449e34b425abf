/**
 * Properties on random price paths, driven through the pure `transition` with a random
 * executor answering every invoked actor: the stop never loosens within a leg (the moonbag's
 * leg never below the entry), quantities never go negative, and a final forced exit closes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { ENTRY, clockTick, done, fail, filled, input, score, tick, type Snapshot } from "./position.fixtures.js";
import { idleClockTick } from "./position.idle-tick.js";
import { positionMachine } from "./position.machine.js";
import { positionParams, type PositionParams } from "./position.params.js";
import type { PositionEvent } from "./position.types.js";

type Move =
  | { k: "price"; r: number } | { k: "special"; p: number } | { k: "score"; s: number }
  | { k: "clock"; dt: number } | { k: "user" };

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -0.12, max: 0.15, noNaN: true }).map((r) => ({ k: "price" as const, r })) },
  { weight: 1, arbitrary: fc.constantFrom(0, Number.NaN, Number.POSITIVE_INFINITY, -1).map((p) => ({ k: "special" as const, p })) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((s) => ({ k: "score" as const, s })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3_600_000 }).map((dt) => ({ k: "clock" as const, dt })) },
  { weight: 1, arbitrary: fc.constant({ k: "user" as const }) },
);

/** Answers for sells: < 50 fill all, < 65 partial, < 80 fail, < 95 unknown, < 98 nothing sold, else more than held. */
const answers = fc.array(fc.oneof({ weight: 3, arbitrary: fc.nat(99) }, { weight: 1, arbitrary: fc.constant(70) }), { maxLength: 120 });
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const paramsArb = fc
  .record({
    tp1Gain: real(0.02, 0.5), tp1Fraction: real(0.1, 0.9), trailingActivation: real(0.01, 0.2),
    trailingDrop: real(0.02, 0.3), moonbagMultiple: real(1.1, 3), moonbagTrailingDrop: real(0.05, 0.5),
    maxSellRetries: fc.integer({ min: 0, max: 3 }), breakEvenAfterTp1: fc.boolean(),
  })
  .map((p) => positionParams({ ...p, moonbagMaxAgeMs: 5 * 3_600_000 }));

function checker() {
  let leg = 0;
  let stop = 0;
  return (s: Snapshot) => {
    const { fills: f, track: t, order: o } = s.context;
    expect(f.qty).toBeGreaterThanOrEqual(0);
    expect(f.qty).toBeLessThanOrEqual(f.qtyBought);
    expect(f.proceedsSol).toBeGreaterThanOrEqual(0);
    expect(o.sellQty).toBeGreaterThanOrEqual(0);
    if (t.leg === leg) expect(t.stop).toBeGreaterThanOrEqual(stop);
    if (t.leg === 1) expect(t.stop).toBeGreaterThanOrEqual(f.entryPrice);
    if (t.tp1Done) expect(f.proceedsSol).toBeGreaterThan(0);
    leg = t.leg;
    stop = t.stop;
  };
}

/** States seen across all runs: the property is only as good as the paths it walks. */
const visited = new Set<string>();

function drive(params: PositionParams, moves: Move[], codes: number[], onStep: (s: Snapshot) => void = () => {}) {
  const check = checker();
  let ts = 0;
  let price = ENTRY;
  let n = 0;
  let [s] = initialTransition(positionMachine, input(params));
  const send = (e: PositionEvent) => {
    s = transition(positionMachine, s, e)[0];
    visited.add(JSON.stringify(s.value).replace(/[^a-z0-9.]+/gi, "."));
    check(s);
    onStep(s);
  };
  /** Answers whatever is in flight, and fires any retry that is waiting. */
  const settle = () => {
    for (let guard = 0; guard < 50 && s.status === "active"; guard++) {
      const child = Object.keys(s.children)[0];
      const code = codes[n++] ?? 0;
      if (child === "buy") send(done("buy", filled(1000, 1, ts)));
      else if (child === "sell") {
        const qty = s.context.order.sellQty;
        const sold = code < 50 ? qty : code < 65 ? qty * (code - 49) / 16 : code < 95 ? -1 : code < 98 ? 0 : qty * 1.5;
        if (sold >= 0) send(done("sell", filled(sold, sold * Math.max(price, 0), ts)));
        else if (code < 80) send(fail("sell", "rpc"));
        else send(done("sell", { kind: "unknown", signature: `u${n}` }));
      } else if (child === "resolve") {
        const qty = s.context.order.sellQty || 1000;
        if (code < 50) send(done("resolve", { kind: "landed", qty, sol: qty * Math.max(price, 1e-9), signature: "l", ts }));
        else if (code < 80) send(done("resolve", { kind: "expired" }));
        else send(fail("resolve", "timeout"));
      } else if (/backoff|unknown|stalled|waiting/.test(JSON.stringify(s.value))) {
        ts = Math.max(ts, s.context.order.retryAt);
        send(clockTick(ts));
      } else return;
    }
  };
  settle();
  for (const m of moves) {
    ts += 1_000;
    if (m.k === "price") {
      price = Math.max(price, 1e-9) * (1 + m.r);
      send(tick(price, ts));
    } else if (m.k === "special") send(tick(m.p, ts));
    else if (m.k === "score") send(score(m.s, ts));
    else if (m.k === "clock") send(clockTick((ts += m.dt)));
    else send({ type: "user.exit", ts });
    settle();
    if (s.status === "done") break;
  }
  if (s.status === "active") send({ type: "user.exit", ts });
  codes.length = 0; // from here every order fills, so the forced exit completes
  settle();
  return s;
}

describe("position properties", () => {
  it("stop never loosens, quantities stay >= 0, and every path reaches closed", () => {
    fc.assert(
      fc.property(paramsArb, fc.array(move, { maxLength: 80 }), answers, (params, moves, codes) => {
        const s = drive(params, moves, [...codes]);
        expect(s.value).toBe("closed");
        expect(s.output?.outcome).toBe("closed");
      }),
      { numRuns: 300, seed: 20_240_601 },
    );
    for (const state of ["trailing", "tp1.selling", "tp1.backoff", "moonbag.recovering", "moonbag.running", "exiting.stalled", "exiting.unknown", "closed"]) {
      expect([...visited].some((v) => v.includes(state)), state).toBe(true);
    }
  });

  it("a clock tick the book skips (idleClockTick) would have changed nothing but the time seen", () => {
    let idle = 0;
    let due = 0;
    fc.assert(
      fc.property(paramsArb.map((p) => ({ ...p, maxHoldMs: 2 * 3_600_000 })), fc.array(move, { maxLength: 60 }), answers, fc.integer({ min: 1, max: 6 * 3_600_000 }), (params, moves, codes, dt) => {
        drive(params, moves, [...codes], (s) => {
          const ts = s.context.track.lastTs + dt;
          if (!idleClockTick(s, ts)) {
            if (s.status === "active" && ["open", "trailing"].some((x) => s.matches(x as never))) due++;
            return;
          }
          idle++;
          const [next, actions] = transition(positionMachine, s, clockTick(ts));
          expect(next.value).toEqual(s.value);
          expect({ ...next.context, track: { ...next.context.track, lastTs: 0 } }).toEqual({ ...s.context, track: { ...s.context.track, lastTs: 0 } });
          expect(actions.map((a) => a.type)).not.toContain("recordTransition");
        });
      }),
      { numRuns: 200, seed: 20_261_125 },
    );
    // Both kinds were seen: skipped ticks, and holding positions whose deadline had come.
    expect(idle).toBeGreaterThan(100);
    expect(due).toBeGreaterThan(10);
  });
});
