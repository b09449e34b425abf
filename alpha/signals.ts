/**
 * Signal sources: a group of formulas turned into "compute token i's signal rows", by the row
 * interpreter (one formula) or by generated code (one function for the whole group).
 */
import { compileSignals, CompiledCache } from "./codegen.js";
import type { Expr } from "./formula.js";
import type { FeaturePanel } from "./features.js";
import { buildProgram, operandArray, operandOffset, runProgram, type Row, type Sources } from "./kernels.js";
import { lookback, type ExprKeys } from "./subexpr.js";

export interface SignalGroup {
  readonly size: number;
  /** The longest look-back among the group's formulas (see `lookback`). */
  readonly lookback: number;
  /**
   * Compute token i over bars [from, from + length); afterwards formula k's value at bar t is
   * `rows[k][offsets[k] + t]`.
   */
  run(i: number, from: number, length: number): void;
  readonly rows: Row[];
  readonly offsets: Int32Array;
}

/** Cached subexpression rows of the current batch, by subtree key. */
export interface CacheRows {
  readonly slots: ReadonlyMap<string, number>;
  readonly rows: readonly Float64Array[];
}

/** Rows reused from group to group, grown on demand. */
export class Scratch {
  readonly #rows: Float64Array[] = [];
  constructor(readonly length: number) {}
  take(n: number): Float64Array[] {
    while (this.#rows.length < n) this.#rows.push(new Float64Array(this.length));
    return this.#rows;
  }
}

export function interpretedSignal(
  root: Expr,
  keys: ExprKeys,
  features: FeaturePanel,
  jumpWindow: number,
  cache: CacheRows,
  regs: Scratch,
): SignalGroup {
  const p = buildProgram(root, jumpWindow, cache.slots, keys);
  const src: Sources = { features: features.data, nTokens: features.nTokens, nTimes: features.nTimes, cache: cache.rows, regs: regs.take(p.nRegs) };
  const group = {
    size: 1,
    lookback: lookback(root, jumpWindow),
    rows: [operandArray(p.out, src)],
    offsets: new Int32Array(1),
    run(i: number, from: number, length: number): void {
      runProgram(p, src, i, from, length);
      group.offsets[0] = operandOffset(p.out, src, i, from);
    },
  };
  return group;
}

export function generatedSignals(
  roots: readonly Expr[],
  keysOf: (root: Expr) => ExprKeys,
  features: FeaturePanel,
  jumpWindow: number,
  cache: CacheRows,
  scratch: { readonly out: Scratch; readonly stage: Scratch; readonly compiled: CompiledCache },
): SignalGroup {
  const make = (): ReturnType<typeof compileSignals> => compileSignals(roots, jumpWindow, cache.slots, keysOf);
  // A lone formula (the scorer, `eval`) is compiled once and kept; groups rarely repeat.
  const c = roots.length === 1 ? scratch.compiled.get(`${keysOf(roots[0]!).get(roots[0]!)}|${usedCaches(roots[0]!, keysOf(roots[0]!), cache.slots).join(",")}`, make) : make();
  const C = c.caches.map((key) => cache.rows[cache.slots.get(key)!]!);
  const fo = new Int32Array(Math.max(1, c.features.length));
  const out = scratch.out.take(roots.length).slice(0, roots.length);
  const R = scratch.stage.take(c.rows);
  const { data, nTokens: N, nTimes: T } = features;
  const group = {
    size: roots.length,
    lookback: Math.max(...roots.map((r) => lookback(r, jumpWindow))),
    rows: out,
    offsets: new Int32Array(roots.length),
    run(i: number, from: number, length: number): void {
      for (let k = 0; k < c.features.length; k++) fo[k] = (c.features[k]! * N + i) * T + from;
      c.fn(data, fo, C, i * T + from, out, length, R, c.jumps);
      group.offsets.fill(-from);
    },
  };
  return group;
}

/** Cached subtree keys a formula reads, outermost first, in evaluation order. */
function usedCaches(root: Expr, keys: ExprKeys, slots: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  const walk = (e: Expr): void => {
    const k = keys.get(e)!;
    if (slots.has(k)) out.push(k);
    else if (e.kind === "op") e.args.forEach(walk);
  };
  walk(root);
  return out;
}
