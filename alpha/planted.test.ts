import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { randInt, seededRng } from "../core/random.js";
import { createContext, type EvalContext } from "./context.js";
import { LocalEvaluator } from "./engine.js";
import { AlphaEvaluator } from "./evaluator.js";
import { randomFormulaTokens } from "./grammar.js";
import { crossSectionalIC } from "./metrics.js";
import { buildPanel, type BarInput } from "./panel.js";
import { syntheticPanel } from "./synthetic.js";
import { canonical } from "./testing.js";

/** The target with its valid cells permuted: any real relation to the signal is destroyed. */
function shuffledTarget(ctx: EvalContext, seed: number): Float32Array {
  const { fwdRet, fwdValid } = ctx.market;
  const cells: number[] = [];
  fwdValid.forEach((v, k) => v === 1 && cells.push(k));
  const out = Float32Array.from(fwdRet);
  const rng = seededRng(seed);
  for (let a = cells.length - 1; a > 0; a--) {
    const b = randInt(rng, a + 1);
    [out[cells[a]!], out[cells[b]!]] = [out[cells[b]!]!, out[cells[a]!]!];
  }
  return out;
}

function ic(ctx: EvalContext, formula: string, target: Float32Array): { ic: number; bars: number } {
  const signal = new LocalEvaluator(ctx).signal(canonical(formula, ctx));
  const s = crossSectionalIC(signal, target, ctx.market.fwdValid, ctx.panel.nTokens, ctx.panel.nTimes, {
    name: "all",
    start: 0,
    end: ctx.panel.nTimes,
  });
  return { ic: s.ic ?? Number.NaN, bars: s.bars };
}

// Hourly bars whose returns mean-revert (AR(1), -0.3): after a drop, a rebound is likely.
const planted = syntheticPanel({ tokens: 20, bars: 2_000, seed: 11, intervalS: 3_600, reversion: -0.3, volatility: 0.03, liquidityUsd: 1e6, gapRate: 0.02 });
const ctx = createContext(planted, { params: { normWindow: 120, jumpWindow: 48 } });

describe("planted signal", () => {
  it("the formula that encodes it beats random valid formulas on the test split", async () => {
    const ev = await AlphaEvaluator.create(ctx, { workers: 0 });
    const rng = seededRng(2);
    const randoms = Array.from({ length: 60 }, () => randomFormulaTokens(rng, 12));
    const [signal, ...others] = await ev.evaluate(["RET NEG", ...randoms], { ic: true });
    const test = (r: typeof signal): number => r!.splits.find((s) => s.split === "test")!.sharpe ?? 0;
    const best = Math.max(...others.map(test));
    expect(signal!.status).toBe("active");
    expect(test(signal)).toBeGreaterThan(2 * Math.max(best, 1));
    const t = signal!.splits.find((s) => s.split === "test")!;
    expect(t.netReturn).toBeGreaterThan(0);
    expect(t.ic!).toBeGreaterThan(0.15);
    expect(t.rankIc!).toBeGreaterThan(0.15);
  });

  it("a shuffled-target placebo gives IC near zero where the real target gives a strong one", () => {
    const real = ic(ctx, "RET NEG", ctx.market.fwdRet);
    expect(real.ic).toBeGreaterThan(0.15);
    for (const seed of [1, 2, 3]) {
      const placebo = ic(ctx, "RET NEG", shuffledTarget(ctx, seed));
      expect(Math.abs(placebo.ic)).toBeLessThan(0.03);
    }
  });
});

const DATA = fileURLToPath(new URL("../../shared/data/solana-pools-geckoterminal-2025/ohlcv_1h.csv", import.meta.url));

/** GeckoTerminal hourly bars: pool as the token, no liquidity or FDV (the fallback fills them). */
function readGecko(path: string): BarInput[] {
  const [head, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const col = Object.fromEntries(head!.split(",").map((name, k) => [name, k]));
  return lines.map((line) => {
    const c = line.split(",");
    const num = (name: string): number => Number(c[col[name]!]);
    return { mint: c[col["pool"]!]!, ts: num("ts"), open: num("open"), high: num("high"), low: num("low"), close: num("close"), volume: num("volume"), liquidity: null, fdv: null };
  });
}

describe.skipIf(!existsSync(DATA))("real data: GeckoTerminal hourly meme pools", () => {
  it("evaluates with the documented liquidity fallback, and a shuffled-target placebo has IC near zero", async () => {
    const panel = buildPanel(readGecko(DATA), { intervalS: 3_600 });
    expect(panel.nTokens).toBe(141);
    expect(panel.liquiditySource).toMatch(/^volume proxy/);
    const real = createContext(panel);
    const ev = await AlphaEvaluator.create(real, { workers: 0 });
    const [r] = await ev.evaluate(["RET DECAY DEV SUB"], { ic: true });
    expect(r!.splits.map((s) => s.split)).toEqual(["train", "validation", "test"]);
    for (const s of r!.splits) expect(Number.isFinite(s.netReturn)).toBe(true);
    for (const seed of [1, 2]) {
      const placebo = ic(real, "RET NEG", shuffledTarget(real, seed));
      expect(placebo.bars).toBeGreaterThan(300);
      expect(Math.abs(placebo.ic)).toBeLessThan(0.05);
    }
  });
});
