/**
 * The grammar mask: which action may come next given the RPN stack depth and the slots left, so
 * that every sampled formula is valid (upstream samples ~99% invalid ones, reference §6, §17 C4).
 *
 * A token of arity a needs a >= 1 operands on the stack (features need none) and leaves depth
 * s - a + 1. It is allowed only if that depth can still be brought down to exactly 1 within the
 * slots that remain. END is allowed only at depth 1. Masks are precomputed per (depth, used).
 */
import { tokenLayout, type VocabSpec } from "./config.js";

export interface Grammar {
  readonly maxLen: number;
  /** Output width: vocabulary plus END. */
  readonly outputSize: number;
  readonly end: number;
  readonly arity: ArrayLike<number>;
  /** Fewest tokens taking depth s to depth 1 (Infinity when impossible), s = 0..maxLen+1. */
  readonly toOne: readonly number[];
  /** 1 where the action is allowed at (depth, used); row index depth * maxLen + used. */
  mask(depth: number, used: number): Uint8Array;
}

export function buildGrammar(vocab: VocabSpec, maxLen: number): Grammar {
  const { outputSize, end } = tokenLayout(vocab);
  const arity = vocab.arity;
  const arities = [...new Set(Array.from(arity))];
  const top = maxLen + 1;
  // Shortest path to depth 1 over depths 0..top, by relaxation (the graph is tiny).
  const toOne = new Array<number>(top + 1).fill(Infinity);
  toOne[1] = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let s = 0; s <= top; s++) {
      for (const a of arities) {
        if (a > s) continue;
        const next = s - a + 1;
        if (next > top) continue;
        const cand = toOne[next]! + 1;
        if (cand < toOne[s]!) {
          toOne[s] = cand;
          changed = true;
        }
      }
    }
  }
  const rows = new Map<number, Uint8Array>();
  const empty = new Uint8Array(outputSize);
  for (let depth = 0; depth <= maxLen; depth++) {
    for (let used = 0; used < maxLen; used++) {
      const row = new Uint8Array(outputSize);
      const leftAfter = maxLen - used - 1;
      for (let id = 0; id < arity.length; id++) {
        const a = arity[id]!;
        if (a > depth) continue;
        const next = depth - a + 1;
        if (next <= top && toOne[next]! <= leftAfter) row[id] = 1;
      }
      if (depth === 1) row[end] = 1;
      rows.set(depth * maxLen + used, row);
    }
  }
  return {
    maxLen,
    outputSize,
    end,
    arity,
    toOne,
    mask: (depth, used) => rows.get(depth * maxLen + used) ?? empty,
  };
}

export type FormulaCheck = { readonly ok: true } | { readonly ok: false; readonly position: number; readonly reason: string };

/** Stack check of an RPN token list: the reference the sampler's output is tested against. */
export function checkFormula(tokens: readonly number[], vocab: VocabSpec, maxLen: number): FormulaCheck {
  if (tokens.length === 0) return { ok: false, position: 0, reason: "empty formula" };
  if (tokens.length > maxLen) return { ok: false, position: maxLen, reason: `longer than ${maxLen} tokens` };
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i]!;
    const a = vocab.arity[id];
    if (!Number.isInteger(id) || a === undefined) return { ok: false, position: i, reason: `unknown token ${id}` };
    if (a > depth) return { ok: false, position: i, reason: `stack underflow: needs ${a}, has ${depth}` };
    depth = depth - a + 1;
  }
  if (depth !== 1) return { ok: false, position: tokens.length, reason: `ends with ${depth} values on the stack` };
  return { ok: true };
}
