import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../config/index.js";
import { DEFAULT_POSITION_PARAMS } from "../../machines/position.params.js";
import { bookParams } from "./params.js";

describe("book params from config", () => {
  it("maps the defaults onto the machine's and risk's parameters", () => {
    const { params, risk, slippageBps, entrySol } = bookParams(defaultConfig, 160);
    expect(params).toEqual({ ...DEFAULT_POSITION_PARAMS, maxHoldMs: null });
    expect(risk).toMatchObject({ maxOpenPositions: 3, minLiquiditySol: 5_000 / 160, maxPriceImpact: 0.05, cooldownMs: 3_600_000 });
    expect([slippageBps, entrySol]).toEqual([500, 2]);
  });
});
