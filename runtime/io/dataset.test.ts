/**
 * The real GeckoTerminal dataset (../shared/data/solana-pools-geckoterminal-2025) scans clean, and
 * the report states every figure its README states. Pure: no storage (see import.integration.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DATASET_DIR, README_FIGURES, TIMEFRAMES, type Timeframe } from "./dataset.fixture.js";
import { validateOhlcvFile } from "./ohlcv-csv.js";
import type { OhlcvReport } from "./ohlcv-report.js";
import type { KeyMeta } from "./ohlcv-scan.js";
import { readPoolsCsv } from "./pools-csv.js";

const iso = (s: string): number => Date.parse(s) / 1000;

describe("GeckoTerminal dataset: every file scans clean with its README's figures", () => {
  const scans = new Map<Timeframe, { report: OhlcvReport; keys: ReadonlyMap<string, KeyMeta> }>();
  beforeAll(async () => {
    for (const tf of TIMEFRAMES) {
      const r = await validateOhlcvFile(`${DATASET_DIR}ohlcv_${tf}.csv`);
      if (!r.ok) throw new Error(`ohlcv_${tf}.csv rejected: ${JSON.stringify(r.issues)}`);
      scans.set(tf, r);
    }
  });
  const get = (tf: Timeframe) => {
    const s = scans.get(tf);
    if (s === undefined) throw new Error(`no scan for ${tf}`);
    return s;
  };

  it.each(TIMEFRAMES)("ohlcv_%s.csv: rows, pools, span, zero volume, lowprec, gaps", (tf) => {
    const { report } = get(tf);
    const f = README_FIGURES[tf];
    expect(report).toMatchObject({
      rows: f.rows, keys: f.pools, keyColumn: "pool", interval: tf, intervalFrom: "file-name", modalSpacing_s: report.interval_s,
      span: { from: iso(f.from), to: iso(f.to) }, zeroVolumeRows: f.zeroVolume, lowPrecisionRows: f.lowprec,
      missingSeries: ["liquidity", "fdv", "trades"],
    });
    if (f.gaps !== null) expect(report.gaps.missingBars).toBe(f.gaps);
    // Quirks are said out loud, not hidden.
    const notes = report.notes.join("\n");
    expect(notes).toMatch(/not token mints/);
    expect(notes).toMatch(/may be partial/);
    expect(notes).toMatch(/no liquidity series/);
    expect(notes).toMatch(/no fdv series/);
    if (report.gaps.missingBars > 0) expect(notes).toMatch(/absent inside/);
  });

  it("totals 51,946 rows over 141 distinct pools", () => {
    const pools = new Set(TIMEFRAMES.flatMap((tf) => [...get(tf).keys.keys()]));
    expect(TIMEFRAMES.reduce((n, tf) => n + get(tf).report.rows, 0)).toBe(51_946);
    expect(pools.size).toBe(141);
  });

  it("1h: 138 pools >= 24 bars, 52 >= 168, 23 >= 500; 12 pools named; capped histories flagged", () => {
    const bars = [...get("1h").keys.values()].map((k) => k.bars);
    expect([24, 168, 500].map((n) => bars.filter((b) => b >= n).length)).toEqual([138, 52, 23]);
    expect(get("1h").report.keysWithSymbol).toBe(12);
    expect(get("1h").report.keysNearHistoryCap).toBeGreaterThan(0);
  });

  it("1m: CBRL 8,281 bars, Butterfly 1,279, H59JH47V… 990", () => {
    const keys = get("1m").keys;
    expect(keys.get("7bqJG2ZdMKbEkgSmfuqNVBvqEvWavgL8UEo33ZqdL3NP")).toMatchObject({ bars: 8_281, symbol: "CBRL / SOL" });
    expect(keys.get("F5vAiFCP82RQetoxK7ax4dNQCwqk2yez6aisAbFPenJ2")).toMatchObject({ bars: 1_279 });
    expect([...keys].find(([k]) => k.startsWith("H59JH47V"))?.[1].bars).toBe(990);
  });

  it("pools.csv: 141 pools whose bars_<tf> counts match every OHLCV file", async () => {
    const { pools } = await readPoolsCsv(`${DATASET_DIR}pools.csv`);
    expect(pools).toHaveLength(141);
    expect(pools.filter((p) => p.baseMint !== "")).toHaveLength(11);
    for (const p of pools) {
      for (const tf of TIMEFRAMES) expect([p.pool, tf, get(tf).keys.get(p.pool)?.bars ?? 0]).toEqual([p.pool, tf, p.bars[tf]]);
    }
  });
});
