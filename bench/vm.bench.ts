/**
 * Formula evaluation throughput: random valid 12-token formulas with the full backtest on the
 * standard panels, fused evaluator with one worker and with all workers, against the reference
 * evaluator in the same process. Upstream's VM + backtest (measured on our 2 cores, issue 3):
 * 36.8 formulas/s on P-mid, 2.2 on P-big. Targets: P-mid >= 400/s, P-big >= 25/s, P-big peak
 * RSS <= 2 GB. The last line is one JSON object.
 *
 *   node --import tsx bench/vm.bench.ts [--quick]
 */
import { availableParallelism, loadavg } from "node:os";
import { seededRng } from "../core/random.js";
import { createContext, type EvalContext } from "../alpha/context.js";
import { AlphaEvaluator } from "../alpha/evaluator.js";
import { canonicalise, parseFormula } from "../alpha/formula.js";
import { randomFormulaTokens } from "../alpha/grammar.js";
import { finaliseSplit } from "../alpha/metrics.js";
import { referenceBacktest, referenceSignal } from "../alpha/reference.js";
import { standardPanel, STANDARD_PANELS, type StandardPanel } from "./vm-panels.js";

const quick = process.argv.includes("--quick");
const workers = availableParallelism();
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

function formulas(n: number, seed: number): number[][] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => randomFormulaTokens(rng, 12));
}

/** Formulas per second of the reference evaluator and backtest (one thread). */
function referenceRate(ctx: EvalContext, batch: readonly number[][]): number {
  const t0 = performance.now();
  for (const ids of batch) {
    const root = canonicalise(parseFormula(ids).root, "basic");
    const sig = referenceSignal(root, ctx.features, ctx.params.jumpWindow, ctx.panel);
    const bt = referenceBacktest(sig, ctx.panel, ctx.market, ctx.plan, ctx.rule);
    ctx.plan.splits.forEach((_, si) => finaliseSplit(si, ctx.plan, bt.counts[si]!, bt.barPnl, null, null));
  }
  return (batch.length * 1000) / (performance.now() - t0);
}

interface Rate {
  /** Best of the repetitions, formulas per wall-clock second. */
  readonly rate: number;
  /** Process CPU time (all threads) per formula, ms: what the work costs whatever else runs. */
  readonly cpuMs: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Formulas per second through the batch API with `n` workers, after a warm-up batch; best of
 * `reps` fresh batches (other processes share these cores, so the best run is the least
 * disturbed one).
 */
async function fusedRate(ctx: EvalContext, n: number, batches: readonly (readonly number[][])[], warm: readonly number[][]): Promise<Rate> {
  const ev = await AlphaEvaluator.create(ctx, { workers: n });
  try {
    await ev.evaluate(warm);
    let rate = 0;
    let cpuMs = Infinity;
    for (const batch of batches) {
      const t0 = performance.now();
      const c0 = cpuNow();
      const results = await ev.evaluate(batch);
      rate = Math.max(rate, (batch.length * 1000) / (performance.now() - t0));
      cpuMs = Math.min(cpuMs, (cpuNow() - c0) / batch.length);
      if (results.some((r) => r.status === "invalid")) throw new Error("a random formula came out invalid");
    }
    return { rate, cpuMs };
  } finally {
    await ev.close();
  }
}

interface PanelResult {
  readonly one: number;
  readonly all: number;
  readonly reference: number | null;
}

async function measure(name: StandardPanel, sizes: { fused: number; reference: number }, seed: number): Promise<PanelResult> {
  const t0 = performance.now();
  const panel = standardPanel(name);
  const ctx = createContext(panel);
  const { tokens, bars } = STANDARD_PANELS[name];
  console.log(`${name}: ${tokens} tokens x ${bars} bars, panel + features + plan in ${((performance.now() - t0) / 1000).toFixed(1)} s, rss ${mb(process.memoryUsage().rss)} MB`);
  const warm = formulas(4 * workers, seed + 100);
  const batches = [0, 1, 2].map((r) => formulas(sizes.fused, seed * 10 + r));
  const one = await fusedRate(ctx, 1, batches, warm);
  const all = workers > 1 ? await fusedRate(ctx, workers, batches, warm) : one;
  const reference = sizes.reference > 0 ? referenceRate(ctx, batches[0]!.slice(0, sizes.reference)) : null;
  const capacity = (workers * 1000) / all.cpuMs;
  console.log(
    `  fused, 1 worker:  ${one.rate.toFixed(1)} formulas/s (${one.cpuMs.toFixed(2)} ms CPU each)\n` +
      `  fused, ${workers} workers: ${all.rate.toFixed(1)} formulas/s (${all.cpuMs.toFixed(2)} ms CPU each: ${capacity.toFixed(0)}/s with ${workers} idle cores)\n` +
      (reference === null ? "" : `  reference:        ${reference.toFixed(2)} formulas/s (fused, all workers: x${(all.rate / reference).toFixed(1)})\n`) +
      `  rss now ${mb(process.memoryUsage().rss)} MB, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  return { one: one.rate, all: all.rate, reference };
}

async function main(): Promise<void> {
  console.log(`vm bench: ${workers} workers available${quick ? " (quick)" : ""}`);
  const scale = quick ? 0.25 : 1;
  await measure("P-ci", { fused: Math.round(400 * scale), reference: quick ? 2 : 6 }, 1);
  const mid = await measure("P-mid", { fused: Math.round(400 * scale), reference: quick ? 2 : 6 }, 2);
  // No reference on P-big: its full-size float64 intermediates (40 MB a node) would be the peak RSS.
  const big = await measure("P-big", { fused: Math.round(48 * scale), reference: 0 }, 3);
  const peak = mb(process.resourceUsage().maxRSS * 1024);
  console.log(`peak rss ${peak} MB (whole run; P-big is the largest phase)`);
  console.log(`upstream baseline (issue 3, same 2 cores): P-mid 36.8/s, P-big 2.2/s; targets P-mid >= 400/s, P-big >= 25/s`);
  console.log(
    JSON.stringify({
      bench: "vm",
      p_mid_formulas_per_s: Number(mid.all.toFixed(1)),
      p_big_formulas_per_s: Number(big.all.toFixed(1)),
      p_mid_ratio_vs_reference: mid.reference === null ? null : Number((mid.all / mid.reference).toFixed(1)),
      p_big_peak_rss_mb: peak,
    }),
  );
}

await main();
