import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../config/index.js";
import { trainerConfigFrom } from "./from-app-config.js";
import { toyVocab } from "./testing.js";

describe("trainer settings from the app config", () => {
  it("maps the search keys", () => {
    const c = trainerConfigFrom({ ...defaultConfig.training, riskSeeking: 0.05, eliteSize: 8, candidatesPerStep: 32, selectBy: "validation", endBias: 1.5 }, { vocab: toyVocab, outDir: "/tmp/x" });
    expect(c.reinforce).toEqual({ riskSeeking: 0.05 });
    expect(c.model?.endBias).toBe(1.5);
    expect(c.eliteSize).toBe(8);
    expect(c.pool).toMatchObject({ candidatesPerStep: 32, selectBy: "validation" });
  });

  it("gives a run manifest written before those keys existed the behaviour it had then", () => {
    const { riskSeeking: _r, eliteSize: _e, candidatesPerStep: _c, selectBy: _s, rewardMinDays: _m, endBias: _b, ...old } = defaultConfig.training;
    const c = trainerConfigFrom(old as typeof defaultConfig.training, { vocab: toyVocab, outDir: "/tmp/x" });
    expect(c.reinforce).toEqual({ riskSeeking: 0 });
    expect(c.model).not.toHaveProperty("endBias"); // absent, so the checkpoint hash is the old one
    expect(c.eliteSize).toBe(0);
    expect(c.pool).toMatchObject({ candidatesPerStep: 8, selectBy: "validation" });
  });
});
