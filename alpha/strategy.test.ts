import { describe, expect, it } from "vitest";
import { makeStrategy, readStrategy, StrategyError } from "./strategy.js";
import { VOCAB_VERSION } from "./vocab.js";

describe("strategy files", () => {
  const s = makeStrategy("RET DECAY DEV SUB", { jumpWindow: 30 });

  it("record the vocabulary version, feature set, windows and rule, and round-trip through JSON", () => {
    expect(s).toMatchObject({ vocabVersion: VOCAB_VERSION, formula: [0, 15, 4, 7], rpn: "RET DECAY DEV SUB" });
    expect(s.params).toEqual({ featureSet: "basic", normWindow: 240, jumpWindow: 30 });
    expect(readStrategy(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it("refuse another vocabulary version, a mismatched text, or an invalid formula", () => {
    const reason = (x: unknown): string => {
      try {
        readStrategy(x);
        return "accepted";
      } catch (e) {
        return e instanceof StrategyError ? e.reason : String(e);
      }
    };
    expect(reason({ ...s, vocabVersion: "alphagpt-ts/vocab@0" })).toBe("vocab-version");
    expect(reason({ ...s, rpn: "RET DEV SUB" })).toBe("formula");
    expect(reason({ ...s, formula: [0, 6] })).toBe("formula");
    expect(reason({ ...s, params: { featureSet: "huge", normWindow: 1, jumpWindow: 1 } })).toBe("malformed");
    expect(reason([0, 15, 4, 7])).toBe("malformed");
  });

  it("read upstream's bare id arrays only when asked to", () => {
    expect(readStrategy([0, 15, 4, 7], { allowUpstream: true }).rpn).toBe("RET DECAY DEV SUB");
    expect(readStrategy({ formula: [0, 15, 4, 7] }, { allowUpstream: true }).formula).toEqual([0, 15, 4, 7]);
  });
});
