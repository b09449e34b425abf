import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTrainerWorker } from "./host.js";
import { toyConfig, toyScorer } from "./testing.js";
import type { TrainerEvent } from "./types.js";

describe("trainer worker", () => {
  it("trains in a worker_thread, serving the scorer from this thread and streaming progress", async () => {
    const dir = await mkdtemp(join(tmpdir(), "trainer-worker-"));
    try {
      const scorer = toyScorer();
      const events: TrainerEvent[] = [];
      const handle = startTrainerWorker(toyConfig(dir, { steps: 3 }), scorer, { onEvent: (e) => events.push(e) });
      const result = await handle.done;
      expect(result.step).toBe(3);
      expect(events[0]).toMatchObject({ type: "backend", name: "wasm" });
      expect(events.filter((e) => e.type === "progress").map((e) => e.step)).toEqual([1, 2, 3]);
      expect(scorer.evaluated.length).toBeGreaterThanOrEqual(3);
      expect(result.best).not.toBeNull();
      await handle.terminate();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops on request after the current step, with a checkpoint", async () => {
    const dir = await mkdtemp(join(tmpdir(), "trainer-worker-"));
    try {
      const handle = startTrainerWorker(toyConfig(dir, { steps: 1000 }), toyScorer(), {
        onEvent: (e) => {
          if (e.type === "progress" && e.step === 2) handle.stop();
        },
      });
      const result = await handle.done;
      expect(result.stopped).toBe(true);
      expect(result.step).toBeLessThan(10);
      await handle.terminate();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails `done` with the scorer's error when evaluation fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "trainer-worker-"));
    try {
      const scorer = { ...toyScorer(), evaluate: () => Promise.reject(new Error("panel unavailable")) };
      const handle = startTrainerWorker(toyConfig(dir, { steps: 3 }), scorer);
      await expect(handle.done).rejects.toThrow(/panel unavailable/);
      await handle.terminate();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
