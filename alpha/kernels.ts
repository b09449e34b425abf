/**
 * The row interpreter: one small, monomorphic kernel per operator that runs over one token's row
 * of `nTimes` values. Kernels are shared by every formula, so V8 optimises them once; a new
 * formula costs no compilation (see codegen.ts for the other trade-off). Operands are read in
 * place from the feature panel or the subexpression cache; only results go to per-token rows.
 */
import { canonicalKeys, type ExprKeys } from "./subexpr.js";
import type { Expr } from "./formula.js";
import { jumpKernel, jumpScratch, type JumpScratch } from "./jump.js";
import { OP } from "./vocab.js";

export type Row = Float32Array | Float64Array;

type Kernel = (D: Float64Array, A: Row, a: number, B: Row, b: number, C: Row, c: number, T: number, jump: JumpScratch | null) => void;

// Every kernel reads its operands at t before writing D[t], so D may alias an operand row.
// Choices are made without branches (m * x + (1 - m) * y with m = 0 or 1): a data-dependent
// branch mispredicts half the time on noisy features and cost 3x the arithmetic (measured).
// The result is exact for finite values, which are all there are (features are bounded and a
// 12-token formula cannot overflow float64); only the sign of a zero may differ, and no
// operator or threshold can tell -0 from +0.
const KERNELS: Record<number, Kernel> = {
  [OP.ADD]: (D, A, a, B, b, _C, _c, T) => {
    for (let t = 0; t < T; t++) D[t] = A[a + t]! + B[b + t]!;
  },
  [OP.SUB]: (D, A, a, B, b, _C, _c, T) => {
    for (let t = 0; t < T; t++) D[t] = A[a + t]! - B[b + t]!;
  },
  [OP.MUL]: (D, A, a, B, b, _C, _c, T) => {
    for (let t = 0; t < T; t++) D[t] = A[a + t]! * B[b + t]!;
  },
  [OP.DIV]: (D, A, a, B, b, _C, _c, T) => {
    for (let t = 0; t < T; t++) {
      const y = B[b + t]!;
      D[t] = A[a + t]! / (y + (+(y >= 0) * 2e-6 - 1e-6));
    }
  },
  [OP.NEG]: (D, A, a, _B, _b, _C, _c, T) => {
    for (let t = 0; t < T; t++) D[t] = -A[a + t]!;
  },
  [OP.ABS]: (D, A, a, _B, _b, _C, _c, T) => {
    for (let t = 0; t < T; t++) D[t] = Math.abs(A[a + t]!);
  },
  [OP.SIGN]: (D, A, a, _B, _b, _C, _c, T) => {
    for (let t = 0; t < T; t++) {
      const x = A[a + t]!;
      D[t] = +(x > 0) - +(x < 0);
    }
  },
  [OP.GATE]: (D, A, a, B, b, C, c, T) => {
    for (let t = 0; t < T; t++) {
      const m = +(A[a + t]! > 0);
      D[t] = m * B[b + t]! + (1 - m) * C[c + t]!;
    }
  },
  [OP.JUMP]: (D, A, a, _B, _b, _C, _c, T, jump) => jumpKernel(D, A, a, T, jump!),
  [OP.DECAY]: (D, A, a, _B, _b, _C, _c, T) => {
    let p1 = 0;
    let p2 = 0;
    for (let t = 0; t < T; t++) {
      const x = A[a + t]!;
      D[t] = x + 0.8 * p1 + 0.6 * p2;
      p2 = p1;
      p1 = x;
    }
  },
  [OP.DELAY1]: (D, A, a, _B, _b, _C, _c, T) => {
    let p1 = 0;
    for (let t = 0; t < T; t++) {
      const x = A[a + t]!;
      D[t] = p1;
      p1 = x;
    }
  },
  [OP.MAX3]: (D, A, a, _B, _b, _C, _c, T) => {
    let p1 = 0;
    let p2 = 0;
    for (let t = 0; t < T; t++) {
      const x = A[a + t]!;
      const k1 = +(x > p1);
      const m = k1 * x + (1 - k1) * p1;
      const k2 = +(m > p2);
      D[t] = k2 * m + (1 - k2) * p2;
      p2 = p1;
      p1 = x;
    }
  },
};

/** Where an operand lives: a feature row, a cached subexpression row, or a scratch register. */
export type Operand =
  | { readonly kind: "feature"; readonly index: number }
  | { readonly kind: "cache"; readonly index: number }
  | { readonly kind: "reg"; readonly index: number };

interface Instr {
  readonly kernel: Kernel;
  readonly dst: number;
  readonly args: readonly Operand[];
  readonly jump: JumpScratch | null;
}

export interface Program {
  readonly instrs: readonly Instr[];
  readonly out: Operand;
  readonly nRegs: number;
}

/**
 * Lower a tree to kernel calls. Subtrees whose key is in `cached` become cache operands; a
 * result takes the lowest register no live value holds.
 */
export function buildProgram(
  root: Expr,
  jumpWindow: number,
  cached: ReadonlyMap<string, number> = new Map(),
  keys: ExprKeys = canonicalKeys(root),
): Program {
  const instrs: Instr[] = [];
  let nRegs = 0;
  const walk = (e: Expr, live: ReadonlySet<number>): Operand => {
    const slot = cached.get(keys.get(e)!);
    if (slot !== undefined) return { kind: "cache", index: slot };
    if (e.kind === "feature") return { kind: "feature", index: e.feature };
    const held = new Set(live);
    const args: Operand[] = [];
    for (const a of e.args) {
      const o = walk(a, held);
      if (o.kind === "reg") held.add(o.index);
      args.push(o);
    }
    let dst = 0;
    while (live.has(dst)) dst++;
    nRegs = Math.max(nRegs, dst + 1);
    instrs.push({ kernel: KERNELS[e.op]!, dst, args, jump: e.op === OP.JUMP ? jumpScratch(jumpWindow) : null });
    return { kind: "reg", index: dst };
  };
  return { instrs, out: walk(root, new Set()), nRegs };
}

/** Arrays an operand may point into for token i. */
export interface Sources {
  readonly features: Float32Array;
  readonly nTokens: number;
  readonly nTimes: number;
  readonly cache: readonly Float64Array[];
  readonly regs: readonly Float64Array[];
}

export function operandArray(o: Operand, s: Sources): Row {
  return o.kind === "feature" ? s.features : o.kind === "cache" ? s.cache[o.index]! : s.regs[o.index]!;
}

/**
 * Index of bar t of token i in an operand's array is `operandOffset(...) + t`; registers hold
 * bars from `from` on (the token's first bar), so their offset is negative.
 */
export function operandOffset(o: Operand, s: Sources, i: number, from: number): number {
  return o.kind === "feature" ? (o.index * s.nTokens + i) * s.nTimes : o.kind === "cache" ? i * s.nTimes : -from;
}

/**
 * Run a program for token i over bars [from, from + length): a token's values start at its
 * first bar (lags pad with zeros there, JUMP's window starts there). The signal at bar t is
 * then `operandArray(p.out)[operandOffset(p.out, s, i, from) + t]`.
 */
export function runProgram(p: Program, s: Sources, i: number, from: number, length: number): void {
  const instrs = p.instrs;
  for (let n = 0; n < instrs.length; n++) {
    const ins = instrs[n]!;
    const x = ins.args[0]!;
    const y = ins.args[1] ?? x;
    const z = ins.args[2] ?? x;
    ins.kernel(
      s.regs[ins.dst]!,
      operandArray(x, s),
      operandOffset(x, s, i, from) + from,
      operandArray(y, s),
      operandOffset(y, s, i, from) + from,
      operandArray(z, s),
      operandOffset(z, s, i, from) + from,
      length,
      ins.jump,
    );
  }
}
