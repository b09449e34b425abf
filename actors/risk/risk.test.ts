import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buyQuote } from "./impact.js";
import { assessEntry, dayStart, entrySize, realizedToday, riskMode, type EntryRequest, type RiskBook } from "./risk.js";
import { riskParams } from "./risk.params.js";
import { SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM } from "./token-safety.js";

const DAY = 86_400_000;
const NOW = 100 * DAY + 12 * 3_600_000; // noon UTC
const p = riskParams();
const deep = { reserveSol: 500, reserveToken: 5_000_000, feeBps: 25 };
const req: EntryRequest = {
  mint: "M", sizeSol: 2, pool: deep,
  token: { mint: "M", program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] },
};
const empty: RiskBook = { open: [], closed: [], nowTs: NOW };
const codes = (r: EntryRequest, b: RiskBook, params = p) => assessEntry(r, b, params).reasons.map((x) => x.code);

describe("risk: entries", () => {
  it("allows a safe entry into a deep pool, with the quote on the actual size", () => {
    const d = assessEntry(req, empty, p);
    expect(d).toMatchObject({ allow: true, mode: "normal", reasons: [] });
    expect(d.quote?.priceImpact).toBeCloseTo(1.995 / 501.995, 12); // 0.397%
  });

  it("returns every failing reason at once", () => {
    const bad: EntryRequest = {
      mint: "M", sizeSol: 2, pool: { reserveSol: 10, reserveToken: 100_000, feeBps: 25 },
      token: {
        mint: "M", program: TOKEN_2022_PROGRAM, mintAuthority: "A", freezeAuthority: "F",
        extensions: [{ extension: "transferFeeConfig", feeBps: 100 }, { extension: "permanentDelegate", authority: "D" }],
      },
    };
    const book: RiskBook = {
      nowTs: NOW,
      open: [{ mint: "M", exposureSol: 1.5 }, { mint: "X", exposureSol: 2 }, { mint: "Y", exposureSol: 2 }],
      closed: [{ mint: "M", closedTs: NOW - 10 * 60_000, pnlSol: -2.5 }],
    };
    const d = assessEntry(bad, book, p);
    expect(d.allow).toBe(false);
    expect(d.mode).toBe("reduce_only");
    expect(d.reasons.map((r) => r.code)).toEqual([
      "daily_loss_limit", "max_open_positions", "token_exposure", "total_exposure", "liquidity", "price_impact",
      "mint_authority", "freeze_authority", "transfer_fee", "permanent_delegate", "cooldown",
    ]);
    // 1.995 / 11.995 = 16.6% impact; 1.5 + 2 = 3.5 SOL in M; 5.5 + 2 = 7.5 SOL in total.
    expect(d.quote?.priceImpact).toBeCloseTo(0.166319, 6);
    expect(d.reasons.find((r) => r.code === "token_exposure")?.detail).toContain("3.5 SOL");
    expect(d.reasons.find((r) => r.code === "total_exposure")?.detail).toContain("7.5 SOL");
  });

  it("limits are inclusive: exactly at a limit passes", () => {
    const book: RiskBook = { nowTs: NOW, open: [{ mint: "X", exposureSol: 2 }, { mint: "Y", exposureSol: 2 }], closed: [] };
    expect(codes(req, book)).toEqual([]);
    // Impact exactly 2%: 1.995 / (R + 1.995) = 0.02 at R = 97.755.
    const edge = { ...req, pool: { reserveSol: 97.755, reserveToken: 1e6, feeBps: 25 } };
    expect(assessEntry(edge, empty, p).quote?.priceImpact).toBeCloseTo(0.02, 12);
    expect(codes(edge, empty, { ...p, maxPriceImpact: 0.020000001 })).toEqual([]);
  });

  it("price impact is checked on the actual size: the same pool takes 1 SOL but not 5", () => {
    const pool = { reserveSol: 100, reserveToken: 1e6, feeBps: 25 };
    const q = (sizeSol: number) => ({ ...req, sizeSol, pool });
    expect(codes(q(1), empty, { ...p, maxTokenExposureSol: 10 })).toEqual([]);
    expect(codes(q(5), empty, { ...p, maxTokenExposureSol: 10 })).toEqual(["price_impact"]);
  });

  it("sizes entries down to the impact cap: 30 SOL of reserve takes 0.02 x 30 / 0.98 SOL after a 1% fee", () => {
    const curve = { reserveSol: 30, reserveToken: 1_000_000_000, feeBps: 100 };
    const size = entrySize(curve, 2, p);
    expect(size).toBeCloseTo((0.02 * 30) / 0.98 / 0.99, 12); // 0.6184 SOL
    expect(buyQuote(curve, size).priceImpact).toBeCloseTo(0.02, 12);
    expect(assessEntry({ ...req, pool: curve, sizeSol: size }, empty, p)).toMatchObject({ allow: true, reasons: [] });
    // A deep pool takes the whole entry; a pool that takes less than minEntrySol is skipped.
    expect(entrySize(deep, 2, p)).toBe(2);
    const puddle = { reserveSol: 2, reserveToken: 1_000_000, feeBps: 25 };
    expect(codes({ ...req, pool: puddle, sizeSol: entrySize(puddle, 2, p) }, empty, p)).toEqual(["liquidity", "min_size"]);
  });

  it("a sized entry never exceeds what was asked nor the impact cap", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        fc.double({ min: 0.001, max: 100, noNaN: true }),
        (reserveSol, feeBps, maxPriceImpact, want) => {
          const pool = { reserveSol, reserveToken: 1e9, feeBps };
          const size = entrySize(pool, want, riskParams({ maxPriceImpact }));
          expect(size).toBeLessThanOrEqual(want);
          expect(size).toBeGreaterThan(0);
          expect(buyQuote(pool, size).priceImpact).toBeLessThanOrEqual(maxPriceImpact * (1 + 1e-9));
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it("cooldown per token after an exit, to the millisecond", () => {
    const closedAt = NOW - p.cooldownMs;
    const book = (nowTs: number): RiskBook => ({ nowTs, open: [], closed: [{ mint: "M", closedTs: closedAt, pnlSol: 0.1 }] });
    expect(codes(req, book(NOW - 1))).toEqual(["cooldown"]);
    expect(codes(req, book(NOW))).toEqual([]);
    expect(codes({ ...req, mint: "N", token: { ...req.token, mint: "N" } }, book(NOW - 1))).toEqual([]);
  });

  it("a bad request is refused without running the other checks", () => {
    expect(codes({ ...req, sizeSol: Number.NaN }, empty)).toEqual(["bad_request"]);
    expect(codes({ ...req, sizeSol: 0 }, empty)).toEqual(["bad_request"]);
  });

  it("a pool without reserves fails liquidity and gives no quote", () => {
    const d = assessEntry({ ...req, pool: { reserveSol: 0, reserveToken: 0, feeBps: 25 } }, empty, p);
    expect(d.reasons.map((r) => r.code)).toEqual(["liquidity"]);
    expect(d.quote).toBeNull();
  });
});

describe("risk: daily loss limit", () => {
  const trade = (hoursAgo: number, pnlSol: number) => ({ mint: "Z", closedTs: NOW - hoursAgo * 3_600_000, pnlSol });

  it("counts only today's realized trades (UTC day by default)", () => {
    const book: RiskBook = { nowTs: NOW, open: [], closed: [trade(13, -5), trade(11, -1.5), trade(1, 0.5), trade(0.5, -0.9)] };
    expect(dayStart(NOW, p)).toBe(100 * DAY);
    expect(realizedToday(book, p)).toBeCloseTo(-1.9, 12);
    expect(riskMode(book, p)).toBe("normal");
    expect(riskMode({ ...book, closed: [...book.closed, trade(0.1, -0.1)] }, p)).toBe("reduce_only");
  });

  it("the day can start at another hour", () => {
    const p8 = riskParams({ dayStartOffsetMs: 14 * 3_600_000 }); // day starts 14:00 UTC
    expect(dayStart(NOW, p8)).toBe(99 * DAY + 14 * 3_600_000);
    const book: RiskBook = { nowTs: NOW, open: [], closed: [trade(13, -5)] };
    expect(riskMode(book, p8)).toBe("reduce_only");
    expect(riskMode(book, p)).toBe("normal");
  });

  it("reduce-only refuses entries with its reason", () => {
    const book: RiskBook = { nowTs: NOW, open: [], closed: [trade(2, -2)] };
    const d = assessEntry({ ...req, mint: "N", token: { ...req.token, mint: "N" } }, book, p);
    expect(d).toMatchObject({ allow: false, mode: "reduce_only" });
    expect(d.reasons.map((r) => r.code)).toEqual(["daily_loss_limit"]);
  });
});
