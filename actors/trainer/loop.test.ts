import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { decodeCheckpoint } from "../../alpha/model/checkpoint.js";
import { Policy } from "../../alpha/model/policy.js";
import { loadCheckpoint, type RunState } from "./checkpoint-file.js";
import { runTraining, trainerConfigHash } from "./loop.js";
import { decodeStrategyFile, STRATEGY_SCHEMA } from "./strategy.js";
import { DEV, toyConfig, toyScorer } from "./testing.js";
import type { TrainerEvent } from "./types.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "trainer-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const clock = new VirtualClock(1_700_000_000_000);

describe("training loop", () => {
  it("trains, never evaluates a formula twice, reports progress and writes a versioned strategy file", async () => {
    const dir = await tempDir();
    const scorer = toyScorer();
    const events: TrainerEvent[] = [];
    const result = await runTraining(toyConfig(dir, { steps: 8 }), scorer, { clock, onEvent: (e) => events.push(e) });
    expect(result.step).toBe(8);
    expect(result.stopped).toBe(false);

    const all = scorer.evaluated.flat();
    expect(new Set(all).size).toBe(all.length); // dedup within steps and the cache across them

    const progress = events.filter((e) => e.type === "progress");
    expect(progress.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const p of progress) {
      expect(Number.isFinite(p.entropy) && Number.isFinite(p.reward.mean) && p.formulasPerSec > 0).toBe(true);
    }
    expect(progress[1]!.stableRank!.mean).toBeGreaterThan(1);
    expect(events[0]).toMatchObject({ type: "backend", name: "wasm" });

    const file = decodeStrategyFile(JSON.parse(await readFile(result.strategyPath, "utf8")));
    expect(file.schema).toBe(STRATEGY_SCHEMA);
    expect(file.formula.tokens).toEqual(result.best!.tokens);
    expect(file.formula.tokens).toContain(DEV);
    expect(file.vocabulary.version).toMatch(/vocab/);
    expect(Object.keys(file.metrics).sort()).toEqual(["test", "train", "validation"]);
    expect(file.createdAtMs).toBe(clock.now());
    expect(file.dataWindow).toEqual({ fromMs: 0, toMs: 1, note: "toy" });
    expect(file.configHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("resumes from the last checkpoint and continues exactly as an uninterrupted run", async () => {
    const straight = await tempDir();
    await runTraining(toyConfig(straight, { steps: 6 }), toyScorer(), { clock });

    const split = await tempDir();
    await runTraining(toyConfig(split, { steps: 3 }), toyScorer(), { clock });
    const saved = decodeCheckpoint<RunState>(await readFile(join(split, "trainer.ckpt")));
    expect(saved.meta.step).toBe(3);
    expect(saved.snapshot.optimizer.step).toBe(3);

    const events: TrainerEvent[] = [];
    const resumed = await runTraining(toyConfig(split, { steps: 6, resume: true }), toyScorer(), { clock, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.type === "resumed")).toMatchObject({ step: 3 });
    expect(events.filter((e) => e.type === "progress").map((e) => e.step)).toEqual([4, 5, 6]);
    expect(resumed.step).toBe(6);

    const a = decodeCheckpoint<RunState>(await readFile(join(straight, "trainer.ckpt"))).snapshot;
    const b = decodeCheckpoint<RunState>(await readFile(join(split, "trainer.ckpt"))).snapshot;
    expect(b.optimizer.step).toBe(6);
    expect(b.optimizer).toEqual(a.optimizer);
    expect(b.params).toEqual(a.params);
  });

  it("resumes exactly with elite replay and risk-seeking on (the elites are checkpointed)", async () => {
    const over = { eliteSize: 4, reinforce: { riskSeeking: 0.25 } };
    const straight = await tempDir();
    await runTraining(toyConfig(straight, { ...over, steps: 6 }), toyScorer(), { clock });
    const split = await tempDir();
    await runTraining(toyConfig(split, { ...over, steps: 3 }), toyScorer(), { clock });
    expect(decodeCheckpoint<RunState>(await readFile(join(split, "trainer.ckpt"))).meta.elite).toHaveLength(4);
    await runTraining(toyConfig(split, { ...over, steps: 6, resume: true }), toyScorer(), { clock });
    const a = decodeCheckpoint<RunState>(await readFile(join(straight, "trainer.ckpt")));
    const b = decodeCheckpoint<RunState>(await readFile(join(split, "trainer.ckpt")));
    expect(b.snapshot.params).toEqual(a.snapshot.params);
    expect(b.meta.elite).toEqual(a.meta.elite);
  });

  it("restores the optimiser state it saved, bit for bit", async () => {
    const dir = await tempDir();
    const cfg = toyConfig(dir, { steps: 3 });
    await runTraining(cfg, toyScorer(), { clock });
    // Read through the same path --resume uses (a Node Buffer from disk).
    const loaded = await loadCheckpoint(join(dir, "trainer.ckpt"), "ignored").catch(() => undefined);
    expect(loaded).toBeUndefined(); // wrong hash refused
    const saved = decodeCheckpoint<RunState>(await readFile(join(dir, "trainer.ckpt")));
    const policy = new Policy({ vocab: cfg.vocab, model: cfg.model!, optimizer: cfg.optimizer!, seed: 12345 });
    try {
      const fresh = await loadCheckpoint(join(dir, "trainer.ckpt"), trainerConfigHash(cfg, policy));
      policy.restore(fresh!.snapshot);
      expect(policy.step).toBe(3);
      expect(policy.snapshot()).toEqual(saved.snapshot);
      expect(fresh!.state.step).toBe(3);
    } finally {
      policy.dispose();
    }
  });

  it("refuses a checkpoint made with another configuration", async () => {
    const dir = await tempDir();
    await runTraining(toyConfig(dir, { steps: 1 }), toyScorer(), { clock });
    await expect(runTraining(toyConfig(dir, { steps: 2, resume: true, seed: 99 }), toyScorer(), { clock })).rejects.toThrow(/config/);
  });

  it("stops gracefully when asked: finishes the step and checkpoints", async () => {
    const dir = await tempDir();
    let steps = 0;
    const r = await runTraining(toyConfig(dir, { steps: 50 }), toyScorer(), {
      clock,
      onEvent: (e) => {
        if (e.type === "progress") steps = e.step;
      },
      shouldStop: () => steps >= 2,
    });
    expect(r.stopped).toBe(true);
    expect(r.step).toBe(3);
    const saved = decodeCheckpoint<RunState>(await readFile(join(dir, "trainer.ckpt")));
    expect(saved.meta.step).toBe(3);
  });
});
