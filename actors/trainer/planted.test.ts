/**
 * End to end on the alpha engine: a synthetic market with a planted signal (mean reversion,
 * which `RET NEG` encodes). A short run must find a formula whose test-split score beats the
 * best of an equal number of random valid formulas, both picked by validation score.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { randInt, seededRng } from "../../core/random.js";
import { AlphaEvaluator, createContext, DEFAULT_COSTS, randomFormulaTokens, vocabulary } from "../../alpha/index.js";
import { syntheticPanel } from "../../alpha/synthetic.js";
import { alphaScorer } from "./alpha-scorer.js";
import { runTraining } from "./loop.js";
import { defaultTrainerSettings } from "./types.js";

const MAX_LEN = 8;
let evaluator: AlphaEvaluator;
let dir: string;

beforeAll(async () => {
  // Hourly bars (Sharpe needs days per split) and near-zero costs: the planted reversion is then
  // clearly profitable, so what is tested is the search, not the cost model.
  const panel = syntheticPanel({ tokens: 24, bars: 900, seed: 3, reversion: -0.15, intervalS: 3600 });
  const costs = { ...DEFAULT_COSTS, swapFeeBps: 0, priorityFeeSol: 0, tipSol: 0, tradeSizeSol: 0.01 };
  evaluator = await AlphaEvaluator.create(createContext(panel, { costs }), { workers: 0 });
  dir = await mkdtemp(join(tmpdir(), "planted-"));
});
afterAll(async () => {
  await evaluator.close();
  await rm(dir, { recursive: true, force: true });
});

async function rewardOn(split: string, formulas: readonly (readonly number[])[]): Promise<number[]> {
  return (await evaluator.evaluate(formulas, { reward: { split }, maxLength: MAX_LEN })).map((r) => r.reward);
}

describe("training on a market with a planted signal", () => {
  it("beats the best of as many random valid formulas on the test split", async () => {
    const scorer = alphaScorer(evaluator, { maxLength: MAX_LEN });
    let evaluated = 0;
    let validated = 0;
    const counting = {
      ...scorer,
      evaluate: (f: readonly (readonly number[])[]) => ((evaluated += f.length), scorer.evaluate(f)),
      validate: (f: readonly (readonly number[])[]) => ((validated += f.length), scorer.validate(f)),
    };
    const result = await runTraining(
      {
        ...defaultTrainerSettings,
        vocab: vocabulary("basic"),
        model: { dModel: 24, heads: 2, ffnHidden: 32, layers: 1, loops: 2, maxLen: MAX_LEN, routerHidden: 8 },
        optimizer: { lr: 5e-3 },
        backend: "wasm",
        seed: 11,
        steps: 40,
        batchSize: 64,
        outDir: dir,
        pool: { size: 5, maxCorrelation: 0.95, candidatesPerStep: 8 },
      },
      counting,
      { clock: new VirtualClock(0) },
    );
    expect(result.best).not.toBeNull();
    const [trained] = await rewardOn("test", [result.best!.tokens]);

    // Random search with the same evaluation budget, selected the same way (validation).
    const rng = seededRng(99);
    const random = Array.from({ length: evaluated }, () => randomFormulaTokens(rng, 1 + randInt(rng, MAX_LEN)));
    const val = await rewardOn("validation", random);
    const bestRandom = random[val.indexOf(Math.max(...val))]!;
    const [randomTest] = await rewardOn("test", [bestRandom]);
    expect(validated).toBeGreaterThan(0);
    expect(trained!).toBeGreaterThan(randomTest!);
  });
});
