/**
 * `alphagpt train` and `alphagpt experiment lord` end to end on the embedded ClickHouse, with a
 * tiny model and budget (config env vars): a simulated market with a planted signal, 5-minute
 * bars over 10 days so the train split spans more than 5 days (daily-Sharpe rewards).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AlphaEvaluator, createContext, randomFormulaTokens } from "../../alpha/index.js";
import { loadConfig } from "../../config/index.js";
import { randInt, seededRng } from "../../core/random.js";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import { alphaContextOptions } from "../../runtime/research/alpha-options.js";
import { loadPanel } from "../../runtime/research/load-panel.js";
import type { TrainingHistory } from "../../runtime/research/training-history.js";
import { openMigratedStorage } from "../../runtime/storage/from-config.js";
import type { Storage } from "../../runtime/storage/storage.js";
import { PLANTED_MAX_LEN, PLANTED_TRAINING_ENV } from "../../actors/trainer/testing.js";

const MAX_LEN = PLANTED_MAX_LEN;
const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-train-"));
const state = join(dir, "state");
const env: Record<string, string> = {
  ...PLANTED_TRAINING_ENV,
  ALPHAGPT_DATA_DIR: state,
  ALPHAGPT_LOG_LEVEL: "warn",
  ALPHAGPT_TRAINING_SEED: "1",
};

const RANDOM_SEEDS = [99, 100, 101, 102, 103];

/** `n` distinct random valid formulas of 1..MAX_LEN tokens. */
function distinctRandomFormulas(seed: number, n: number): number[][] {
  const rng = seededRng(seed);
  const seen = new Set<string>();
  const out: number[][] = [];
  while (out.length < n) {
    const f = randomFormulaTokens(rng, 1 + randInt(rng, MAX_LEN));
    if (!seen.has(f.join(","))) {
      seen.add(f.join(","));
      out.push(f);
    }
  }
  return out;
}

const run = (args: string[], onStderr?: (t: string) => void) => runCli(args, env, onStderr);

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const config = loadConfig({ env }).config;

async function withStorage<T>(f: (s: Storage) => Promise<T>): Promise<T> {
  const s = await openMigratedStorage(config);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

beforeAll(async () => {
  const sim = await run(["sim", "--tokens", "30", "--days", "10", "--interval", "300", "--seed", "9", "--signal", "1", "--no-events"]);
  expect(sim.code).toBe(ExitCode.ok);
});

describe("alphagpt train", () => {
  let runId = "";
  let history: TrainingHistory;
  let strategyFile: { formula: { tokens: number[]; rpn: string }; dataWindow: { runId: string } };

  it("trains in the worker, logs the backend, and reports the best formula per split", async () => {
    const r = await run(["train", "--workers", "0"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/tfjs backend wasm/);
    expect(r.stderr).toMatch(/training: 100% \(24\/24\) reward -?\d.*best .*entropy .*srank Q \d.* K \d.* f\/s/);
    expect(r.stdout).toMatch(/done, step 24 of 24/);
    expect(r.stdout).toMatch(/^strategy {2}\S+best_meme_strategy\.json \(installed: there was no active strategy\)$/m);
    expect(r.stdout).toMatch(/^formula {3}\S/m);
    for (const split of ["train", "validation", "test"]) expect(r.stdout).toMatch(new RegExp(`^\\s*${split}\\s+\\d`, "m"));

    history = readJson<TrainingHistory>(join(state, "training_history.json"));
    runId = history.runId;
    expect(history.points.map((p) => p.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(history.points.at(-1)!.stableRank!.q).toBeGreaterThan(1);
    strategyFile = readJson(join(state, "best_meme_strategy.json"));
    expect(strategyFile.dataWindow.runId).toBe(runId);
    expect(existsSync(join(state, "checkpoints", runId, "trainer.ckpt"))).toBe(true);

    const html = readFileSync(join(state, "training.html"), "utf8");
    expect(html).toContain("Chart.js v4"); // inlined, not fetched
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain("stableRankQ");

    const rows = await withStorage(async (s) => ({
      metrics: await s.query<{ n: number; steps: number }>("SELECT count() AS n, uniqExact(step) AS steps FROM training_metrics FINAL WHERE run_id = {r:String}", { r: runId }),
      runs: await s.query<{ status: string; best_score: number }>("SELECT status, best_score FROM training_runs FINAL WHERE run_id = {r:String}", { r: runId }),
      strategies: await s.query<{ formula: string; metrics: string }>("SELECT formula, metrics FROM strategies FINAL"),
    }));
    expect(rows.metrics[0]).toEqual({ n: 24, steps: 24 });
    expect(rows.runs).toEqual([{ status: "done", best_score: history.best!.score }]);
    expect(rows.strategies.map((x) => x.formula)).toContain(history.best!.rpn);
  });

  // Random search with the trainer's evaluation budget (as many distinct valid formulas as the
  // trainer sent to the evaluator), picked the same way (validation) and scored on test, for five
  // random seeds: the trained formula must beat their median, so no single lucky draw decides.
  // Here: test 50.6 (budget 1,087) against 39.1, 53.8, 44.5, 40.0 and 50.9 (three of five). The
  // random searches find the planted signal too (seed 103 picks `RET ABS PRESSURE MUL`), and a
  // 2-day test split is noisy: across training seeds this is a tendency, not a certainty.
  // bench/planted-search measures it: with this env (END bias 1.5), training seeds 1-24 beat
  // random seeds 99-101 in 39 of 72 comparisons (29 without the END bias), mean win probability
  // 0.68 against 30 random searches of 1,400 formulas (0.62). Neither more steps, a larger batch,
  // nor a train reward over sub-periods did better there: the train reward predicts the test
  // score far less than validation does (correlation 0.41 against 0.75).
  it("finds a formula whose test score beats random search with the same budget", async () => {
    const panel = await withStorage((s) => loadPanel(s, { intervalS: 300, maxTokens: config.alpha.maxTokens }));
    const evaluator = await AlphaEvaluator.create(createContext(panel, alphaContextOptions(config)), { workers: 0 });
    try {
      const rewardOn = async (split: string, formulas: readonly (readonly number[])[]) =>
        (await evaluator.evaluate(formulas, { reward: { split }, maxLength: MAX_LEN })).map((x) => x.reward);
      const budget = history.points.reduce((n, p) => n + p.evaluated, 0);
      expect(budget).toBeGreaterThan(100);
      const [trained] = await rewardOn("test", [strategyFile.formula.tokens]);
      const randomTest: number[] = [];
      for (const seed of RANDOM_SEEDS) {
        const random = distinctRandomFormulas(seed, budget);
        const val = await rewardOn("validation", random);
        randomTest.push((await rewardOn("test", [random[val.indexOf(Math.max(...val))]!]))[0]!);
      }
      const median = [...randomTest].sort((a, b) => a - b)[Math.floor(RANDOM_SEEDS.length / 2)]!;
      expect(trained!, `trained ${trained} vs random ${randomTest.join(", ")}`).toBeGreaterThan(median);
    } finally {
      await evaluator.close();
    }
  });

  it("`eval --strategy` reads the trainer's strategy file", async () => {
    const r = await run(["eval", "--strategy", join(state, "best_meme_strategy.json"), "--interval", "5m"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toContain(`rpn ${history.best!.rpn}`);
    // A trainer file whose ids and text disagree, or of another vocabulary, is refused (exit 3).
    const raw = readJson<Record<string, unknown> & { formula: { rpn: string }; vocabulary: { version: string } }>(join(state, "best_meme_strategy.json"));
    const bad = join(dir, "bad-strategy.json");
    writeFileSync(bad, JSON.stringify({ ...raw, formula: { ...raw.formula, rpn: "RET" } }));
    const mismatch = await run(["eval", "--strategy", bad, "--interval", "5m"]);
    expect(mismatch.code).toBe(ExitCode.badInput);
    expect(mismatch.stderr).toContain('the file says "RET"');
    writeFileSync(bad, JSON.stringify({ ...raw, vocabulary: { ...raw.vocabulary, version: "other@9" } }));
    expect((await run(["eval", "--strategy", bad, "--interval", "5m"])).code).toBe(ExitCode.badInput);
  });

  it("stops gracefully on SIGINT (checkpoint, exit 130) and --resume continues from the saved step", async () => {
    let sent = false;
    const stopped = await run(["train", "--steps", "8", "--seed", "5", "--batch", "32", "--workers", "0"], (t) => {
      if (!sent && t.startsWith("training:")) {
        sent = true;
        process.emit("SIGINT");
      }
    });
    expect(stopped.code, stopped.stderr).toBe(ExitCode.interrupted);
    expect(stopped.stderr).toMatch(/SIGINT: stopping after this step/);
    expect(stopped.stderr).toMatch(/--resume/);
    const m = /run {7}(\S+): stopped, step (\d+) of 8/.exec(stopped.stdout);
    expect(m, stopped.stdout).not.toBeNull();
    const [, id, at] = m!;
    expect(id).not.toBe(runId);
    expect(Number(at)).toBeLessThan(8);
    expect(existsSync(join(state, "checkpoints", id!, "trainer.ckpt"))).toBe(true);
    // The run's strategy is in its own folder; it replaces the active one only if it scores as well.
    expect(readJson<{ dataWindow: { runId: string } }>(join(state, "checkpoints", id!, "best_meme_strategy.json")).dataWindow.runId).toBe(id);
    // Stopped after a step or two it scores below the first run's formula (37.11), which stays active.
    const verdict = /^strategy {2}\S+best_meme_strategy\.json \(not installed: validation (-?\d+\.\d+) vs the active formula's 37\.11 on this run's data; --force installs it\)$/m.exec(stopped.stdout);
    expect(verdict, stopped.stdout).not.toBeNull();
    expect(Number(verdict![1])).toBeLessThan(37.11);
    expect(readJson<{ dataWindow: { runId: string } }>(join(state, "best_meme_strategy.json")).dataWindow.runId).toBe(runId);

    expect((await run(["train", "--resume", "--seed", "2"])).code).toBe(ExitCode.usage);
    const resumed = await run(["train", "--resume", "--force"]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.ok);
    expect(resumed.stdout).toMatch(/^strategy {2}\S+best_meme_strategy\.json \(installed: (--force|validation)/m);
    expect(readJson<{ dataWindow: { runId: string } }>(join(state, "best_meme_strategy.json")).dataWindow.runId).toBe(id);
    expect(resumed.stderr).toContain(`resumed run ${id} from step ${at}`);
    expect(resumed.stdout).toMatch(/done, step 8 of 8/);
    const h = readJson<TrainingHistory>(join(state, "training_history.json"));
    expect(h.runId).toBe(id);
    expect(h.points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const n = await withStorage((s) => s.query<{ n: number }>("SELECT count() AS n FROM training_metrics FINAL WHERE run_id = {r:String}", { r: id! }));
    expect(n[0]!.n).toBe(8);
  });
});

describe("alphagpt experiment lord", () => {
  it("runs no regulariser, L2 and LoRD on the same seeds and writes the table", async () => {
    const r = await run(["experiment", "lord", "--steps", "2", "--batch", "32", "--seeds", "1,2", "--workers", "0"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/variant\s+seed\s+validation\s+test\s+srank Q\s+srank K/);
    for (const v of ["none", "l2", "lord"]) expect(r.stdout).toMatch(new RegExp(`^${v}\\s+mean/2\\s`, "m"));
    const path = /^table {5}(\S+\.json)$/m.exec(r.stdout)![1]!;
    const json = readJson<{ rows: { variant: string; seed: number; validationScore: number; stableRankQ: number; stableRankK: number }[]; means: unknown[] }>(path);
    expect(json.rows.map((x) => `${x.variant}:${x.seed}`)).toEqual(["none:1", "none:2", "l2:1", "l2:2", "lord:1", "lord:2"]);
    for (const row of json.rows) {
      expect(Number.isFinite(row.validationScore)).toBe(true);
      expect(row.stableRankQ).toBeGreaterThan(1);
      expect(row.stableRankK).toBeGreaterThan(1);
    }
    expect(json.means).toHaveLength(3);
    const csv = readFileSync(path.replace(/\.json$/, ".csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("variant,seed,steps,validationScore,testScore,stableRankQ,stableRankK,formula,infix");
    expect(csv).toHaveLength(7);
  });
});
