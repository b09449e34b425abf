import { describe, expect, it } from "vitest";
import { explainFormula, sparkline } from "./explain.js";
import { FormulaError } from "./formula.js";

describe("explainFormula", () => {
  it("prints infix, canonical form, and the meaning of each feature and operator used", () => {
    const e = explainFormula("RET DECAY DEV SUB");
    expect(e.infix).toBe("decay(RET) - DEV");
    expect(e.features.map((f) => f.name)).toEqual(["RET", "DEV"]);
    expect(e.operators.map((o) => o.name)).toEqual(["SUB", "DECAY"]);
    expect(e.text.split("\n")[0]).toBe("signal = decay(RET) - DEV");
    expect(e.text).toContain("log return of the close over the previous bar (rolling median/MAD, clamped to +-5)");
    expect(e.text).toContain("x + 0.8*x[t-1] + 0.6*x[t-2]");
    expect(e.text).toMatch(/hash [0-9a-f]{16}, alphagpt-ts\/vocab@1, basic features/);
  });

  it("explains extended features and refuses invalid formulas", () => {
    expect(explainFormula("CLOSE_POS NEG", { featureSet: "extended" }).features[0]!.meaning).toMatch(/range/);
    expect(() => explainFormula("RET ADD")).toThrow(FormulaError);
  });
});

describe("sparkline", () => {
  it("maps the lowest value to the first ramp step and the highest to the last", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("_.-~=*#@");
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, "blocks")).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([1, 1, 1])).toBe("___");
    expect(sparkline([])).toBe("");
  });

  it("resamples long series to the width, keeping each bucket's last value", () => {
    const line = sparkline(Array.from({ length: 1000 }, (_, k) => k), 20);
    expect(line).toHaveLength(20);
    expect(line[0]).toBe("_");
    expect(line[19]).toBe("@");
  });
});
