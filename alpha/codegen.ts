/**
 * Formula-specific code: one generated function per group of formulas computes a token's signal
 * rows in one loop, every intermediate in a register and lag state in a few scalars.
 * JUMP needs its whole input first (it works block by block, see jump.ts), so a formula with
 * JUMPs becomes a few loops: each JUMP's input is written to a scratch row, JUMP runs, and the
 * next loop reads its output. Generated code runs 2-4x faster per cell than the row interpreter
 * once V8 has optimised it, but each new formula pays milliseconds of compilation, so it only
 * wins on large panels (`engine.ts` picks). Numerics match kernels.ts operation for operation,
 * branch-free choices included (see there).
 */
import type { Expr } from "./formula.js";
import { jumpKernel, jumpScratch, type JumpScratch } from "./jump.js";
import { canonicalKeys, type ExprKeys } from "./subexpr.js";
import { OP } from "./vocab.js";

/**
 * Writes token i's signals, formula k into `out[k][0..T)`; `fo[s]` is the row offset of the s-th
 * feature leaf, `co` the token's offset into cached subexpression rows `C`.
 */
export type SignalFn = (
  F: Float32Array,
  fo: Int32Array,
  C: readonly Float64Array[],
  co: number,
  out: readonly Float64Array[],
  T: number,
  R: readonly Float64Array[],
  J: readonly JumpScratch[],
) => void;

export interface CompiledSignals {
  readonly fn: SignalFn;
  readonly formulas: number;
  /** Feature index of each `fo` slot. */
  readonly features: readonly number[];
  /** Subtree key of each `C` entry (slots differ from batch to batch). */
  readonly caches: readonly string[];
  /** JUMP scratch, one per distinct JUMP subtree. */
  readonly jumps: readonly JumpScratch[];
  /** Scratch rows `R` the function needs: two per JUMP. */
  readonly rows: number;
}

/**
 * Compile several formulas into one function: a subexpression they share is computed once per
 * bar, and V8's compilation cost (milliseconds per function) is paid once for all of them.
 */
export function compileSignals(
  roots: readonly Expr[],
  jumpWindow: number,
  cached: ReadonlySet<string> | ReadonlyMap<string, unknown> = new Set<string>(),
  keysOf: (root: Expr) => ExprKeys = canonicalKeys,
): CompiledSignals {
  const keys = new Map<Expr, string>();
  for (const r of roots) for (const [e, k] of keysOf(r)) keys.set(e, k);
  const features: number[] = [];
  const caches: string[] = [];
  const jumpOut = new Map<string, number>();
  const stages: string[] = [];

  /** One loop computing `exprs` for every t into `targets[k][t]`, JUMP inputs materialised first. */
  const stage = (exprs: readonly Expr[], targets: readonly string[]): void => {
    const names = new Map<string, string>();
    const state: string[] = [];
    const body: string[] = [];
    const emit = (n: Expr): string => {
      const key = keys.get(n)!;
      const known = names.get(key);
      if (known !== undefined) return known;
      const v = `v${names.size}`;
      names.set(key, v);
      if (cached.has(key)) {
        let slot = caches.indexOf(key);
        if (slot < 0) slot = caches.push(key) - 1;
        body.push(`const ${v} = C${slot}[co + t];`);
      } else if (n.kind === "feature") {
        let slot = features.indexOf(n.feature);
        if (slot < 0) slot = features.push(n.feature) - 1;
        body.push(`const ${v} = F[fo${slot} + t];`);
      } else if (n.op === OP.JUMP) {
        let k = jumpOut.get(key);
        if (k === undefined) {
          // Its input goes first, in a loop of its own, then the kernel runs over the row.
          k = jumpOut.size;
          jumpOut.set(key, k);
          stage([n.args[0]!], [`R${2 * k}`]);
          stages.push(`jump(R${2 * k + 1}, R${2 * k}, 0, T, J[${k}]);`);
        }
        body.push(`const ${v} = R${2 * k + 1}[t];`);
      } else {
        const [x, y, z] = n.args.map(emit);
        body.push(opCode(n.op, v, x!, y, z, state));
      }
      return v;
    };
    const outs = exprs.map(emit);
    stages.push(
      [
        "{",
        ...state.map((s) => `let ${s} = 0;`),
        "for (let t = 0; t < T; t++) {",
        ...body,
        ...outs.map((o, k) => `${targets[k]}[t] = ${o};`),
        "}",
        "}",
      ].join("\n"),
    );
  };
  stage(
    roots,
    roots.map((_, k) => `O${k}`),
  );
  const rows = 2 * jumpOut.size;
  const src = [
    '"use strict";',
    "return function signals(F, fo, C, co, out, T, R, J) {",
    ...features.map((_, k) => `const fo${k} = fo[${k}];`),
    ...caches.map((_, k) => `const C${k} = C[${k}];`),
    ...roots.map((_, k) => `const O${k} = out[${k}];`),
    ...Array.from({ length: rows }, (_, k) => `const R${k} = R[${k}];`),
    ...stages,
    "};",
  ].join("\n");
  const fn = new Function("jump", src)(jumpKernel) as SignalFn;
  return { fn, formulas: roots.length, features, caches, jumps: Array.from({ length: jumpOut.size }, () => jumpScratch(jumpWindow)), rows };
}

function opCode(op: number, v: string, x: string, y: string | undefined, z: string | undefined, state: string[]): string {
  const lag = (n: number): string[] => {
    const s = Array.from({ length: n }, (_, k) => `${v}_${k + 1}`);
    state.push(...s);
    return s;
  };
  switch (op) {
    case OP.ADD:
      return `const ${v} = ${x} + ${y};`;
    case OP.SUB:
      return `const ${v} = ${x} - ${y};`;
    case OP.MUL:
      return `const ${v} = ${x} * ${y};`;
    case OP.DIV:
      return `const ${v} = ${x} / (${y} + (+(${y} >= 0) * 2e-6 - 1e-6));`;
    case OP.NEG:
      return `const ${v} = -${x};`;
    case OP.ABS:
      return `const ${v} = Math.abs(${x});`;
    case OP.SIGN:
      return `const ${v} = +(${x} > 0) - +(${x} < 0);`;
    case OP.GATE:
      return `const ${v}k = +(${x} > 0); const ${v} = ${v}k * ${y} + (1 - ${v}k) * ${z};`;
    case OP.DECAY: {
      const [p1, p2] = lag(2);
      return `const ${v} = ${x} + 0.8 * ${p1} + 0.6 * ${p2}; ${p2} = ${p1}; ${p1} = ${x};`;
    }
    case OP.DELAY1: {
      const [p1] = lag(1);
      return `const ${v} = ${p1}; ${p1} = ${x};`;
    }
    case OP.MAX3: {
      const [p1, p2] = lag(2);
      return (
        `const ${v}k = +(${x} > ${p1}); const ${v}m = ${v}k * ${x} + (1 - ${v}k) * ${p1};` +
        `const ${v}j = +(${v}m > ${p2}); const ${v} = ${v}j * ${v}m + (1 - ${v}j) * ${p2}; ${p2} = ${p1}; ${p1} = ${x};`
      );
    }
  }
  throw new Error(`unknown operator ${op}`);
}

/** Compiled functions by formula key, oldest dropped beyond `capacity`. */
export class CompiledCache {
  readonly #map = new Map<string, CompiledSignals>();
  constructor(readonly capacity = 2048) {}
  get(key: string, make: () => CompiledSignals): CompiledSignals {
    let hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
    } else {
      hit = make();
      if (this.#map.size >= this.capacity) this.#map.delete(this.#map.keys().next().value!);
    }
    this.#map.set(key, hit);
    return hit;
  }
}
