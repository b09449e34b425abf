/**
 * Sizes of the policy model and the vocabulary it speaks. The vocabulary comes from the alpha
 * engine; the model only needs each token's arity (0 = feature, n = operator taking n operands),
 * so this file takes a plain `VocabSpec` and stays decoupled from the engine's types.
 */

export interface VocabSpec {
  /** Number of formula tokens (features and operators), ids 0..size-1. */
  readonly size: number;
  /** Arity per token id: 0 for a feature, 1..3 for an operator (the engine's Uint8Array fits). */
  readonly arity: ArrayLike<number>;
  /** Display names per token id (for infix text and logs); optional. */
  readonly names?: readonly string[];
  /** Vocabulary version recorded in strategy files and checkpoints. */
  readonly version?: string;
}

export interface ModelConfig {
  readonly dModel: number;
  readonly heads: number;
  readonly ffnHidden: number;
  /** Distinct blocks (separate weights). */
  readonly layers: number;
  /** Times each block is applied in a row (shared weights): effective depth layers x loops. */
  readonly loops: number;
  /** Longest formula in tokens; also the number of positions the model sees. */
  readonly maxLen: number;
  /** Experts in the mixture output head (upstream's MTP head). */
  readonly outHeads: number;
  /** Hidden width of the mixture router. */
  readonly routerHidden: number;
  readonly normEps: number;
  /**
   * Initial logit of END in every output head (absent: 0). With 0 the first policy is near
   * uniform over the allowed actions, and since END is allowed only once the stack holds one
   * value, it writes maxLen tokens most of the time (79% at maxLen 8), where random search draws
   * lengths uniformly and the longest formulas score worst out of sample
   * (bench/planted-search.bench.ts). A positive bias starts the policy on shorter formulas.
   */
  readonly endBias?: number;
}

/** Upstream's sizes (reference §8): d 64, 4 heads, SwiGLU 128, 2 layers x 3 loops, length 12. */
export const defaultModelConfig: ModelConfig = {
  dModel: 64,
  heads: 4,
  ffnHidden: 128,
  layers: 2,
  loops: 3,
  maxLen: 12,
  outHeads: 3,
  routerHidden: 32,
  normEps: 1e-6,
};

/**
 * Token ids on both sides of the model. Inputs are the vocabulary plus BOS (its own id, so the
 * start of a formula is never confused with a feature); outputs are the vocabulary plus END.
 */
export interface TokenLayout {
  readonly vocab: number;
  /** Input id of the start token. */
  readonly bos: number;
  /** Output id of the end-of-formula action. */
  readonly end: number;
  /** Rows of the input embedding. */
  readonly inputSize: number;
  /** Width of the output logits. */
  readonly outputSize: number;
}

export function tokenLayout(vocab: VocabSpec): TokenLayout {
  return { vocab: vocab.size, bos: vocab.size, end: vocab.size, inputSize: vocab.size + 1, outputSize: vocab.size + 1 };
}

export function validateModelConfig(cfg: ModelConfig, vocab: VocabSpec): void {
  const bad = (why: string): never => {
    throw new Error(`invalid model config: ${why}`);
  };
  if (cfg.dModel % cfg.heads !== 0) bad(`dModel ${cfg.dModel} is not a multiple of heads ${cfg.heads}`);
  for (const k of ["dModel", "heads", "ffnHidden", "layers", "loops", "maxLen", "outHeads", "routerHidden"] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) bad(`${k} must be a positive integer`);
  }
  if (vocab.arity.length !== vocab.size) bad(`vocabulary arity has ${vocab.arity.length} entries for size ${vocab.size}`);
  if (!Array.from(vocab.arity).some((a) => a === 0)) bad("vocabulary has no feature (arity 0)");
}

/** A short stable hash (FNV-1a, hex) of any JSON-able value: names configs in checkpoints. */
export function stableHash(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
