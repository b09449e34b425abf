/**
 * Grammar-constrained sampling (§17 C4): which tokens keep an RPN prefix completable into a valid
 * formula of exactly `length` tokens. Only 1.05 % of uniform 12-token sequences are valid (§6);
 * masking with this rule makes every sample valid.
 */
import type { Rng } from "../core/random.js";
import { randInt } from "../core/random.js";
import { vocabulary, type FeatureSetId } from "./vocab.js";

/**
 * Allowed next tokens (1 = allowed) given the stack depth so far and the tokens still to place
 * after this one. A GATE removes two stack entries, so `d` entries need ceil((d-1)/2) more tokens.
 */
export function grammarMask(depth: number, remainingAfter: number, featureSet: FeatureSetId = "basic"): Uint8Array {
  const v = vocabulary(featureSet);
  const mask = new Uint8Array(v.size);
  for (let id = 0; id < v.size; id++) {
    const a = v.arity[id]!;
    if (depth < a) continue;
    const next = depth - a + 1;
    if (next >= 1 && Math.ceil((next - 1) / 2) <= remainingAfter) mask[id] = 1;
  }
  return mask;
}

/** A uniformly chosen allowed token at each step: a random valid formula of exactly `length` tokens. */
export function randomFormulaTokens(rng: Rng, length = 12, featureSet: FeatureSetId = "basic"): number[] {
  const v = vocabulary(featureSet);
  const out: number[] = [];
  let depth = 0;
  const allowed: number[] = [];
  for (let k = 0; k < length; k++) {
    const mask = grammarMask(depth, length - k - 1, featureSet);
    allowed.length = 0;
    mask.forEach((m, id) => m === 1 && allowed.push(id));
    const id = allowed[randInt(rng, allowed.length)]!;
    out.push(id);
    depth = depth - v.arity[id]! + 1;
  }
  return out;
}
