/**
 * Subexpression identity and the batch cache. Formulas in a trainer batch share subtrees (the
 * policy converges on useful pieces); a subtree used by two or more formulas, or already cached,
 * is evaluated once into a full-size row and read back as a leaf.
 */
import type { Expr } from "./formula.js";
import { OP } from "./vocab.js";

export type ExprKeys = ReadonlyMap<Expr, string>;

/** Key of every subtree: its RPN over feature indices `f3` and operators `o7`; canonical trees only. */
export function canonicalKeys(root: Expr): Map<Expr, string> {
  const keys = new Map<Expr, string>();
  const walk = (e: Expr): string => {
    const k = e.kind === "feature" ? `f${e.feature}` : `${e.args.map(walk).join(" ")} o${e.op}`;
    keys.set(e, k);
    return k;
  };
  walk(root);
  return keys;
}

/**
 * Bars of history a formula's value at t depends on beyond t: DELAY1 adds 1, DECAY and MAX3
 * add 2, JUMP adds its window minus 1, along the deepest path. Evaluation may start that many
 * bars before the first bar it needs and still be exact there.
 */
export function lookback(e: Expr, jumpWindow: number): number {
  if (e.kind === "feature") return 0;
  const inner = Math.max(...e.args.map((a) => lookback(a, jumpWindow)));
  const own = e.op === OP.DELAY1 ? 1 : e.op === OP.DECAY || e.op === OP.MAX3 ? 2 : e.op === OP.JUMP ? jumpWindow - 1 : 0;
  return inner + own;
}

/** Relative evaluation cost of a subtree in row passes; JUMP's rolling window costs more. */
export function subtreeCost(e: Expr): number {
  if (e.kind === "feature") return 0;
  return e.args.reduce((s, a) => s + subtreeCost(a), e.op === OP.JUMP ? 4 : 1);
}

export interface CacheCandidate {
  readonly key: string;
  readonly expr: Expr;
  readonly cost: number;
  readonly uses: number;
}

/** Subtrees worth caching: at least two row passes, used by two or more formulas or cached already. */
export function sharedSubtrees(
  roots: readonly Expr[],
  keysOf: (root: Expr) => ExprKeys,
  isCached: (key: string) => boolean = () => false,
): CacheCandidate[] {
  const seen = new Map<string, { expr: Expr; uses: number }>();
  for (const root of roots) {
    const keys = keysOf(root);
    const inThis = new Set<string>();
    const walk = (e: Expr): void => {
      if (e.kind === "feature") return;
      const k = keys.get(e)!;
      if (!inThis.has(k)) {
        inThis.add(k);
        const s = seen.get(k);
        if (s === undefined) seen.set(k, { expr: e, uses: 1 });
        else s.uses++;
      }
      e.args.forEach(walk);
    };
    walk(root);
  }
  const out: CacheCandidate[] = [];
  for (const [key, s] of seen) {
    const cost = subtreeCost(s.expr);
    if (cost >= 2 && (s.uses >= 2 || isCached(key))) out.push({ key, expr: s.expr, cost, uses: s.uses });
  }
  // Most work saved first; a subtree evaluated before its parents can feed them.
  return out.sort((a, b) => b.uses * b.cost - a.uses * a.cost);
}

/** Full-size rows of cached subtrees, least recently used evicted beyond a byte budget. */
export class SubexprCache {
  readonly #rows = new Map<string, { row: Float64Array; used: number }>();
  #clock = 0;
  #bytes = 0;
  constructor(readonly budgetBytes: number) {}

  has(key: string): boolean {
    return this.#rows.has(key);
  }

  get(key: string): Float64Array | undefined {
    const hit = this.#rows.get(key);
    if (hit !== undefined) hit.used = ++this.#clock;
    return hit?.row;
  }

  /** Whether a row of `bytes` fits after evicting entries other than `pinned`. */
  reserve(bytes: number, pinned: ReadonlySet<string>): boolean {
    if (bytes > this.budgetBytes) return false;
    while (this.#bytes + bytes > this.budgetBytes) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [k, v] of this.#rows) if (!pinned.has(k) && v.used < at) [oldest, at] = [k, v.used];
      if (oldest === null) return false;
      this.#bytes -= this.#rows.get(oldest)!.row.byteLength;
      this.#rows.delete(oldest);
    }
    return true;
  }

  set(key: string, row: Float64Array): void {
    this.#rows.set(key, { row, used: ++this.#clock });
    this.#bytes += row.byteLength;
  }

  get size(): number {
    return this.#rows.size;
  }
}
