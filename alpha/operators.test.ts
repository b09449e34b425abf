import { describe, expect, it } from "vitest";
import { referenceSignal } from "./reference.js";
import { canonical, fastSignals, flatPanel, handContext } from "./testing.js";

// Feature slots used as operands: RET = x, DEV = y, FOMO = c (values exact in float32).
const X = [
  [1, -2, 3, 0.5, -1, 4],
  [-3, 2, 0, 8, 1, -0.5],
];
const Y = [
  [2, 0, -0.25, -4, 1, 0.5],
  [1, 1, 1, 1, 1, 1],
];
const C = [
  [1, -1, 0, 2, -3, 0.5],
  [0, 0, 0, 0, 0, 0],
];
const ctx = handContext(flatPanel(2, 6), { 0: X, 4: Y, 3: C }, { params: { jumpWindow: 4 } });

/** Signal of `rpn` from all three evaluators, as rows per token; asserts they agree. */
function run(rpn: string, context = ctx): number[][] {
  const root = canonical(rpn, context);
  const ref = referenceSignal(root, context.features, context.params.jumpWindow, context.panel);
  const fast = fastSignals(context, root);
  for (const f of [fast.interpreter, fast.codegen]) {
    for (let k = 0; k < ref.length; k++) expect(f[k]).toBeCloseTo(ref[k]!, 9);
  }
  const T = context.panel.nTimes;
  return Array.from({ length: context.panel.nTokens }, (_, i) => [...ref.subarray(i * T, (i + 1) * T)]);
}

function expectRows(actual: number[][], expected: number[][]): void {
  expected.forEach((row, i) => row.forEach((v, t) => expect(actual[i]![t]).toBeCloseTo(v, 6)));
}

describe("operators (hand-computed, reference = interpreter = generated code)", () => {
  it("ADD, SUB, MUL elementwise; SUB and DIV keep operand order x then y", () => {
    expectRows(run("RET DEV ADD"), [
      [3, -2, 2.75, -3.5, 0, 4.5],
      [-2, 3, 1, 9, 2, 0.5],
    ]);
    expectRows(run("RET DEV SUB"), [
      [-1, -2, 3.25, 4.5, -2, 3.5],
      [-4, 1, -1, 7, 0, -1.5],
    ]);
    expectRows(run("RET DEV MUL"), [
      [2, -0, -0.75, -2, -1, 2],
      [-3, 2, 0, 8, 1, -0.5],
    ]);
  });

  it("DIV's epsilon carries the divisor's sign: no division by zero, no sign flip", () => {
    const r = run("RET DEV DIV")[0]!;
    expect(r[0]).toBeCloseTo(1 / 2.000001, 9);
    expect(r[1]).toBeCloseTo(-2 / 1e-6, 3); // y = 0 divides by +1e-6
    expect(r[2]).toBeCloseTo(3 / -0.250001, 9); // negative y: minus epsilon
    expect(r[3]).toBeCloseTo(0.5 / -4.000001, 9);
    const tiny = handContext(flatPanel(1, 2), { 0: [[1, 1]], 4: [[-1e-6, 1e-6].map(Math.fround)] });
    const t = run("RET DEV DIV", tiny)[0]!;
    expect(t[0]).toBeCloseTo(1 / (Math.fround(-1e-6) - 1e-6), 0); // about -5e5, never +-inf
    expect(t[1]).toBeCloseTo(1 / (Math.fround(1e-6) + 1e-6), 0);
  });

  it("NEG, ABS, SIGN", () => {
    expectRows(run("RET NEG"), [
      [-1, 2, -3, -0.5, 1, -4],
      [3, -2, -0, -8, -1, 0.5],
    ]);
    expectRows(run("RET ABS"), [
      [1, 2, 3, 0.5, 1, 4],
      [3, 2, 0, 8, 1, 0.5],
    ]);
    expectRows(run("RET SIGN"), [
      [1, -1, 1, 1, -1, 1],
      [-1, 1, 0, 1, 1, -1],
    ]);
  });

  it("GATE(c, x, y) = c > 0 ? x : y with c the first pushed", () => {
    expectRows(run("FOMO RET DEV GATE"), [
      [1, 0, -0.25, 0.5, 1, 4],
      [1, 1, 1, 1, 1, 1],
    ]);
  });

  it("DECAY, DELAY1, MAX3 pad with zeros at the row start, per token (no wrap, no leak)", () => {
    expectRows(run("RET DECAY"), [
      [1, -2 + 0.8, 3 - 1.6 + 0.6, 0.5 + 2.4 - 1.2, -1 + 0.4 + 1.8, 4 - 0.8 + 0.3],
      [-3, 2 - 2.4, 0 + 1.6 - 1.8, 8 + 0 + 1.2, 1 + 6.4 + 0, -0.5 + 0.8 + 4.8],
    ]);
    expectRows(run("RET DELAY1"), [
      [0, 1, -2, 3, 0.5, -1],
      [0, -3, 2, 0, 8, 1],
    ]);
    expectRows(run("RET MAX3"), [
      [1, 1, 3, 3, 3, 4],
      [0, 2, 2, 8, 8, 8],
    ]);
  });

  it("JUMP is max(0, z - 3) over a rolling window that includes the bar and forgets old spikes", () => {
    const T = 14;
    const spike = Array.from({ length: T }, (_, t) => (t === 11 ? 10 : 0));
    const old = Array.from({ length: T }, (_, t) => (t === 0 ? 100 : 0));
    const c = handContext(flatPanel(2, T), { 0: [spike, old] }, { params: { jumpWindow: 12 } });
    const [a, b] = run("RET JUMP", c) as [number[], number[]];
    // One spike among 12 values: z = 11 / sqrt(12) = 3.1754 (sd + 1e-6 shaves ~1e-6).
    expect(a[11]).toBeCloseTo(11 / Math.sqrt(12) - 3, 5);
    expect(a.filter((_, t) => t !== 11).every((v) => v === 0)).toBe(true);
    // A first value is never a jump (std of one value is 0 and z = 0); once the 100 leaves the window nothing is.
    expect(b.every((v) => v === 0)).toBe(true);
    // Downside moves are not jumps.
    const down = handContext(flatPanel(1, T), { 0: [spike.map((v) => -v)] }, { params: { jumpWindow: 12 } });
    expect(run("RET JUMP", down)[0]!.every((v) => v === 0)).toBe(true);
  });

  it("shares one value between identical subtrees without mixing their lag state", () => {
    expectRows(run("RET DELAY1 RET DELAY1 ADD"), [
      [0, 2, -4, 6, 1, -2],
      [0, -6, 4, 0, 16, 2],
    ]);
    expectRows(run("RET DELAY1 DELAY1"), [
      [0, 0, 1, -2, 3, 0.5],
      [0, 0, -3, 2, 0, 8],
    ]);
  });
});
