/**
 * Trainer step at batch 1,024 on the P-mid panel (200 tokens x 2,000 bars, bench/vm-panels.ts),
 * upstream-size policy, wasm backend, split into sample / evaluate / update, then:
 * - plain: the same batches evaluated without dedup and without the subexpression cache
 *   (every formula its own evaluator call, cacheBytes 0), steps run strictly in sequence;
 * - full: the real training loop (dedup, reward cache, evaluation of batch s+1 overlapped with
 *   update s), steady-state seconds per step.
 * Targets (2-core machine): full step <= 5 s, policy (sample + update) <= 3 s.
 *
 *   node --import tsx bench/train.bench.ts [--steps 3] [--panel P-mid|P-ci|P-big] [--batch 1024]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../core/clock.js";
import { seededRng } from "../core/random.js";
import { AlphaEvaluator, createContext, vocabulary } from "../alpha/index.js";
import { initBackend } from "../alpha/model/backend.js";
import { Policy } from "../alpha/model/policy.js";
import { alphaScorer } from "../actors/trainer/alpha-scorer.js";
import { runTraining } from "../actors/trainer/loop.js";
import { batchRewards, RewardCache } from "../actors/trainer/rewards.js";
import { defaultTrainerSettings, type TrainerEvent } from "../actors/trainer/types.js";
import { STANDARD_PANELS, standardPanel, type StandardPanel } from "./vm-panels.js";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "3" },
    panel: { type: "string", default: "P-mid" },
    batch: { type: "string", default: "1024" },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const vocab = vocabulary("basic");
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const secs = (ms: number): number => Math.round(ms) / 1000;
const time = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
};

const backend = await initBackend("wasm");
if (!(values.panel in STANDARD_PANELS)) throw new Error(`--panel must be one of ${Object.keys(STANDARD_PANELS).join(", ")}`);
const panel = standardPanel(values.panel as StandardPanel);
const ctx = createContext(panel);
const fast = await AlphaEvaluator.create(ctx, {});
const plainEval = await AlphaEvaluator.create(ctx, { cacheBytes: 0 });
const scorer = alphaScorer(fast, { maxLength: 12 });
console.log(`backend ${backend.name} (${backend.detail}); ${values.panel} panel ${panel.nTokens} x ${panel.nTimes}; batch ${batch}; ${steps} measured steps`);

/**
 * No dedup: the batch is cut into rounds holding each formula at most once (second copies go in
 * round 2, and so on), so every copy is evaluated, with both workers busy, and no cache.
 */
async function evaluatePlain(formulas: readonly (readonly number[])[]): Promise<void> {
  const seen = new Map<string, number>();
  const rounds: (readonly number[])[][] = [];
  for (const f of formulas) {
    const k = f.join(",");
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    (rounds[n] ??= []).push(f);
  }
  for (const round of rounds) await plainEval.evaluate(round, { maxLength: 12 });
}

// Components, one after another, on the same batches; step 0 warms the JIT and the caches up.
const policy = new Policy({ vocab, seed: 1 });
const cache = new RewardCache(200_000);
const rows: { sample: number; evaluate: number; update: number; plain: number; unique: number }[] = [];
for (let s = 0; s <= steps; s++) {
  const [b, sample] = await time(() => policy.sample(batch, seededRng(1000 + s)));
  const [r, evaluate] = await time(() => batchRewards(b.formulas, scorer, cache));
  const [, plain] = await time(() => evaluatePlain(b.formulas));
  const [, update] = await time(() => policy.update(b, r.rewards));
  if (s > 0) rows.push({ sample, evaluate, update, plain, unique: r.unique });
  console.log(`step ${s}${s === 0 ? " (warm-up)" : ""}: sample ${secs(sample)} s, evaluate ${secs(evaluate)} s (${r.evaluated} of ${r.unique} unique sent), update ${secs(update)} s, plain evaluate ${secs(plain)} s`);
}
policy.dispose();
await plainEval.close();

// The real loop, overlap on: steady-state step time (the first step, with sampling of batch 0, excluded).
const dir = await mkdtemp(join(tmpdir(), "train-bench-"));
const stepMs: number[] = [];
try {
  await runTraining(
    { ...defaultTrainerSettings, vocab, seed: 1, steps: steps + 1, batchSize: batch, outDir: dir, checkpointEvery: 1000, backend: "wasm", stableRankEvery: 1000 },
    scorer,
    {
      clock: systemClock,
      onEvent: (e: TrainerEvent) => {
        if (e.type !== "progress") return;
        if (e.step > 1) stepMs.push(e.timings.stepMs);
        console.log(`loop step ${e.step}: ${secs(e.timings.stepMs)} s (sample ${secs(e.timings.sampleMs)}, eval wait ${secs(e.timings.evalWaitMs)}, update ${secs(e.timings.updateMs)}, validate ${secs(e.timings.validateMs)}); ${Math.round(e.formulasPerSec)} formulas/s`);
      },
    },
  );
} finally {
  await rm(dir, { recursive: true, force: true });
  await fast.close();
}

const policyS = mean(rows.map((r) => r.sample + r.update)) / 1000;
const evalS = mean(rows.map((r) => r.evaluate)) / 1000;
const plainStepS = mean(rows.map((r) => r.sample + r.plain + r.update)) / 1000;
const stepS = mean(stepMs) / 1000;
console.log(`policy ${policyS.toFixed(2)} s (sample ${secs(mean(rows.map((r) => r.sample)))} + update ${secs(mean(rows.map((r) => r.update)))}), evaluate ${evalS.toFixed(2)} s, plain sequential step ${plainStepS.toFixed(2)} s, loop step ${stepS.toFixed(2)} s`);
console.log(JSON.stringify({ bench: "train", step_s: round(stepS), policy_s: round(policyS), eval_s: round(evalS), ratio_vs_plain: round(plainStepS / stepS) }));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
