import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.js";
import { alphaContextOptions, alphaIntervalS } from "./alpha-options.js";

const config = (overrides: Record<string, unknown>) => loadConfig({ env: {}, overrides }).config;

describe("alphaContextOptions", () => {
  it("charges the priority fee per swap, or the Jito tip instead of it, as live pays", () => {
    expect(alphaContextOptions(config({ "execution.priorityFeeLamports": 100_000 })).costs).toMatchObject({ priorityFeeSol: 0.0001, tipSol: 0 });
    expect(alphaContextOptions(config({ "execution.priorityFeeLamports": 100_000, "execution.jitoTipLamports": 1_000_000 })).costs).toMatchObject({
      priorityFeeSol: 0, tipSol: 0.001,
    });
  });

  it("maps the split shares, the test split taking the rest", () => {
    const o = alphaContextOptions(config({ "alpha.trainShare": 0.5, "alpha.validationShare": 0.3 }));
    expect(o.splits).toEqual({ train: 0.5, validation: 0.3, test: expect.closeTo(0.2, 12) });
    expect(alphaIntervalS(config({ "alpha.interval": "5m" }))).toBe(300);
  });
});
