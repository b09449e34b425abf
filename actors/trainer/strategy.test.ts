import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeCheckpoint, encodeCheckpoint } from "../../alpha/model/checkpoint.js";
import { readIfExists, writeFileAtomic } from "../../core/files.js";
import { buildStrategyFile, decodeStrategyFile, infixText, rpnText } from "./strategy.js";
import { toyVocab } from "./testing.js";

const ids = (text: string): number[] => text.split(" ").map((n) => toyVocab.ids.get(n)!);

describe("strategy file", () => {
  it("renders RPN and upstream-style infix", () => {
    const f = ids("RET DECAY DEV SUB");
    expect(rpnText(f, toyVocab)).toBe("RET DECAY DEV SUB");
    expect(infixText(f, toyVocab)).toBe("SUB(DECAY(RET), DEV)");
    expect(infixText(ids("RET DEV FOMO GATE"), toyVocab)).toBe("GATE(RET, DEV, FOMO)");
  });

  it("builds a schema-valid file and rejects unknown schema versions", () => {
    const best = { tokens: ids("RET NEG"), key: "x", score: 1.5, trainReward: 2, step: 7, series: new Float64Array() };
    const file = buildStrategyFile({ best, alternates: [], report: undefined, vocab: toyVocab, dataWindow: null, seed: 3, configHash: "abc", nowMs: 0 });
    const round = decodeStrategyFile(JSON.parse(JSON.stringify(file)));
    expect(round.formula.infix).toBe("NEG(RET)");
    expect(round.createdAt).toBe("1970-01-01T00:00:00.000Z");
    expect(round.metrics).toEqual({ validation: { score: 1.5 }, train: { reward: 2 } });
    expect(() => decodeStrategyFile({ ...file, schema: "alphagpt/strategy@0" })).toThrow();
    expect(() => decodeStrategyFile([0, 15, 4, 7])).toThrow(); // upstream's bare id list
  });
});

describe("atomic files and checkpoints", () => {
  it("replaces a file whole and leaves no temporary behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atomic-"));
    try {
      const path = join(dir, "sub", "x.json");
      expect(await readIfExists(path)).toBeUndefined();
      await writeFileAtomic(path, "one");
      await writeFileAtomic(path, "two");
      expect(await readFile(path, "utf8")).toBe("two");
      expect(await readdir(join(dir, "sub"))).toEqual(["x.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("round-trips a checkpoint through disk exactly", async () => {
    const snap = {
      params: { a: Float32Array.from([1.5, -2, 3e-8]), b: Float32Array.from([7]) },
      optimizer: { step: 4, m: { a: Float32Array.from([0.1, 0.2, 0.3]), b: Float32Array.from([0]) }, v: { a: Float32Array.from([1, 2, 3]), b: Float32Array.from([9]) } },
    };
    const dir = await mkdtemp(join(tmpdir(), "ckpt-"));
    try {
      await writeFileAtomic(join(dir, "c"), encodeCheckpoint(snap, { step: 4, note: "é" }));
      const back = decodeCheckpoint<{ step: number; note: string }>((await readIfExists(join(dir, "c")))!);
      expect(back.snapshot).toEqual(snap);
      expect(back.meta).toEqual({ step: 4, note: "é" });
      const bytes = encodeCheckpoint(snap, {});
      expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4))).toThrow(/bytes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
