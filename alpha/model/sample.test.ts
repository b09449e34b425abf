import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { tryParseFormula } from "../formula.js";
import { vocabulary } from "../vocab.js";
import { initBackend } from "./backend.js";
import { defaultModelConfig, tokenLayout } from "./config.js";
import { buildGrammar, checkFormula } from "./grammar.js";
import { Policy } from "./policy.js";
import { concatBatches, formulaBatch } from "./sample.js";

const vocab = vocabulary("basic");
const model = { dModel: 16, heads: 2, ffnHidden: 24, layers: 1, loops: 2, routerHidden: 8 };
let policy: Policy;

beforeAll(async () => {
  await initBackend("wasm");
  policy = new Policy({ vocab, model, seed: 1 });
});
afterAll(() => policy.dispose());

/** Independent of our grammar: the alpha engine's parser, else the local stack check. */
function isValid(tokens: number[], maxLen: number): boolean {
  return tryParseFormula(tokens, { featureSet: "basic", maxLength: maxLen }).ok && checkFormula(tokens, vocab, maxLen).ok;
}

describe("grammar", () => {
  const g = buildGrammar(vocab, 12);
  const { end } = tokenLayout(vocab);

  it("allows only features first and END only at depth 1", () => {
    const first = g.mask(0, 0);
    for (let id = 0; id < vocab.size; id++) expect(first[id]).toBe(vocab.arity[id] === 0 ? 1 : 0);
    expect(first[end]).toBe(0);
    expect(g.mask(1, 3)[end]).toBe(1);
    expect(g.mask(2, 3)[end]).toBe(0);
  });

  it("forces reductions when the slots run out", () => {
    // depth 3 with one slot left: only GATE (3 -> 1) can finish the formula.
    const m = g.mask(3, 11);
    const allowed = [...m.keys()].filter((i) => m[i] === 1);
    expect(allowed.map((i) => vocab.names[i])).toEqual(["GATE"]);
    // depth 2 with one slot left: binary operators only.
    const m2 = g.mask(2, 11);
    expect([...m2.keys()].filter((i) => m2[i] === 1).every((i) => vocab.arity[i] === 2)).toBe(true);
  });

  it("knows the fewest tokens from each depth to a single value", () => {
    expect(g.toOne.slice(0, 6)).toEqual([1, 0, 1, 1, 2, 2]);
  });
});

describe("grammar-masked sampling", () => {
  it("samples only valid formulas, of varying length up to maxLen", () => {
    const s = policy.sample(512, seededRng(1));
    const lengths = new Set<number>();
    for (const f of s.formulas) {
      expect(isValid(f, defaultModelConfig.maxLen)).toBe(true);
      lengths.add(f.length);
    }
    expect(lengths.size).toBeGreaterThan(4);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(12);
  });

  it("is valid for any seed and temperature (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.05, max: 20, noNaN: true }), (seed, temperature) => {
        const s = policy.sample(16, seededRng(seed), temperature);
        return s.formulas.every((f) => isValid(f, 12));
      }),
      { numRuns: 25 },
    );
  });

  it("records END exactly where formulas stop, with masks that allowed every action", () => {
    const s = policy.sample(64, seededRng(9));
    const { end, outputSize: V } = tokenLayout(vocab);
    const L = defaultModelConfig.maxLen;
    for (let b = 0; b < s.batch; b++) {
      const steps = s.steps[b]!;
      const n = s.formulas[b]!.length;
      expect(steps === n + 1 || (n === L && steps === L)).toBe(true);
      if (n < L) expect(s.actions[b * L + n]).toBe(end);
      for (let t = 0; t < steps; t++) expect(s.masks[(b * L + t) * V + s.actions[b * L + t]!]).toBe(1);
    }
  });

  it("is reproducible from the seed", () => {
    expect(policy.sample(32, seededRng(4)).formulas).toEqual(policy.sample(32, seededRng(4)).formulas);
    expect(policy.sample(32, seededRng(4)).formulas).not.toEqual(policy.sample(32, seededRng(5)).formulas);
  });

  it("respects a shorter maxLen", () => {
    const short = new Policy({ vocab, model: { ...model, maxLen: 5 }, seed: 2 });
    try {
      const s = short.sample(128, seededRng(3));
      expect(s.formulas.every((f) => f.length <= 5 && isValid(f, 5))).toBe(true);
    } finally {
      short.dispose();
    }
  });

  it("rebuilds a batch of given formulas exactly as the sampler recorded it, and concatenates batches", () => {
    const s = policy.sample(48, seededRng(21));
    const g = buildGrammar(vocab, defaultModelConfig.maxLen);
    const f = formulaBatch(s.formulas, vocab, g);
    expect(f.actions).toEqual(s.actions);
    expect(f.steps).toEqual(s.steps);
    expect(f.masks).toEqual(s.masks);
    const both = concatBatches(s, formulaBatch(s.formulas.slice(0, 5), vocab, g));
    expect(both.batch).toBe(53);
    expect(both.formulas.slice(48)).toEqual(s.formulas.slice(0, 5));
    const L = defaultModelConfig.maxLen;
    expect(both.actions.subarray(48 * L)).toEqual(s.actions.subarray(0, 5 * L));
    // A formula the grammar would not produce is refused.
    const [add, ret] = [vocab.ids.get("ADD")!, vocab.ids.get("RET")!];
    expect(() => formulaBatch([[ret, add]], vocab, g)).toThrow(/grammar/);
    expect(() => formulaBatch([[ret, ret]], vocab, g)).toThrow(/grammar/);
  });
});
