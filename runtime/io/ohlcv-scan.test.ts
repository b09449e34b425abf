import { describe, expect, it } from "vitest";
import { textLines } from "./csv.js";
import { type ScanOptions, scanOhlcv } from "./ohlcv-scan.js";

const HEADER = "ts,pool,symbol,open,high,low,close,volume,lowprec";
const GOOD = [
  HEADER,
  "3600,P1,AAA / SOL,1,2,0.5,1.5,100,0",
  "7200,P1,AAA / SOL,1.5,1.6,1.4,1.45,0,1",
  "14400,P1,,1.45,1.5,1.4,1.5,10,0",
  "3600,P2,,2e-5,3e-5,1e-5,2.5e-5,5,1",
];
const scan = (lines: readonly string[], options: ScanOptions = { interval: "1h" }) => scanOhlcv(lines, options);
const firstIssue = async (lines: readonly string[], options?: ScanOptions) => {
  const r = await scan(lines, options);
  if (r.ok) throw new Error("expected a rejection");
  return r.issues[0];
};
const withRow = (i: number, row: string): string[] => GOOD.map((l, j) => (j === i ? row : l));

describe("OHLCV scan: valid files", () => {
  it("accepts a good file and reports its quirks", async () => {
    const r = await scan(GOOD);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.report).toMatchObject({
      rows: 4, keys: 2, interval_s: 3600, keyColumn: "pool", zeroVolumeRows: 1, lowPrecisionRows: 2, keysWithSymbol: 1,
      span: { from: 3600, to: 14_400 }, gaps: { missingBars: 1, keysWithGaps: 1, largest: { key: "P1", after: 7200, missingBars: 1 } },
      missingSeries: ["liquidity", "fdv", "trades"], lastBar: { ts: 14_400, keys: 1 },
    });
    expect(r.report.notes.join("\n")).toMatch(/pool addresses, not token mints/);
    expect(r.keys.get("P1")).toEqual({ bars: 3, symbol: "AAA / SOL", pool: "" });
  });

  it("takes the interval from the option, then the file name, then the modal spacing", async () => {
    const fromName = await scan(GOOD, { fileName: "x/ohlcv_1h.csv" });
    const inferred = await scan(GOOD, {});
    expect(fromName.ok && fromName.report.intervalFrom).toBe("file-name");
    expect(inferred.ok && [inferred.report.intervalFrom, inferred.report.interval_s]).toEqual(["inferred", 3600]);
    expect(await firstIssue([HEADER, "3600,P1,,1,1,1,1,1,0"], {})).toMatchObject({ line: 1, column: "ts" });
  });

  it("reads ISO-8601 times, mint keys and the optional series", async () => {
    const r = await scan(["mint,ts,open,high,low,close,volume,liquidity,fdv,trades", "M1,2025-10-05T12:00:00Z,1,1,1,1,0,5000,,3", "M1,2025-10-05 14:00:00+01:00,1,1,1,1,0,,1e6,"]);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.report).toMatchObject({ keyColumn: "mint", rows: 2, span: { from: 1_759_665_600, to: 1_759_669_200 }, missingSeries: [], lowPrecisionRows: null });
  });

  it("ignores unknown columns only when asked, and reports them", async () => {
    const lines = ["ts,pool,open,high,low,close,volume,extra", "3600,P,1,1,1,1,0,x"];
    expect(await firstIssue(lines)).toMatchObject({ line: 1, column: "extra" });
    const r = await scan(lines, { interval: 3600, allowUnknownColumns: true });
    expect(r.ok && r.report.ignoredColumns).toEqual(["extra"]);
  });
});

describe("OHLCV scan: malformed files are rejected with line and column", () => {
  it.each([
    ["bad number", withRow(2, "7200,P1,AAA / SOL,1.5,abc,1.4,1.45,0,1"), 3, "high", /not a number/],
    ["high below low", withRow(2, "7200,P1,AAA / SOL,1.5,1.3,1.4,1.45,0,1"), 3, "high", /below max/],
    ["low above the body", withRow(1, "3600,P1,AAA / SOL,1,2,1.2,1.5,100,0"), 2, "low", /above min/],
    ["zero price", withRow(4, "3600,P2,,0,3e-5,1e-5,2.5e-5,5,1"), 5, "open", /> 0/],
    ["negative volume", withRow(3, "14400,P1,,1.45,1.5,1.4,1.5,-10,0"), 4, "volume", />= 0/],
    ["unaligned ts", withRow(3, "14401,P1,,1.45,1.5,1.4,1.5,10,0"), 4, "ts", /not aligned/],
    ["duplicate row", [...GOOD, "7200,P1,AAA / SOL,1.5,1.6,1.4,1.45,0,1"], 6, "ts", /already on line 3/],
    ["missing cell", withRow(2, "7200,P1,AAA / SOL,1.5,1.6,1.4,1.45,0"), 3, "(row)", /expected 9 fields, got 8/],
    ["empty key", withRow(1, "3600,,AAA / SOL,1,2,0.5,1.5,100,0"), 2, "pool", /empty/],
    ["milliseconds", withRow(1, "3600000000000,P1,,1,2,0.5,1.5,100,0"), 2, "ts", /milliseconds/],
    ["bad lowprec", withRow(1, "3600,P1,,1,2,0.5,1.5,100,2"), 2, "lowprec", /0 or 1/],
    ["infinite", withRow(1, "3600,P1,,1,1e999,0.5,1.5,100,0"), 2, "high", /not finite/],
    ["missing column", ["ts,pool,open,high,low,close", "3600,P1,1,1,1,1"], 1, "volume", /required column missing/],
    ["no key column", ["ts,open,high,low,close,volume", "3600,1,1,1,1,1"], 1, "mint", /mint` or `pool/],
    ["bad quoting", withRow(1, '3600,P1,"AAA,1,2,0.5,1.5,100,0'), 2, "(row)", /unterminated/],
    ["empty file", [], 1, "(row)", /header line is required/],
  ])("%s", async (_name, lines, line, column, reason) => {
    const issue = await firstIssue(lines);
    expect(issue).toMatchObject({ line, column });
    expect(issue?.reason).toMatch(reason);
  });

  it("collects up to maxErrors issues in line order and counts them all", async () => {
    const bad = Array.from({ length: 30 }, (_, i) => `${(i + 1) * 3600 + (i % 2)},P${i},,1,0.5,1,1,1,0`);
    const r = await scan([HEADER, ...bad], { interval: "1h", maxErrors: 20 });
    if (r.ok) throw new Error("expected a rejection");
    expect(r.issueCount).toBe(45); // 30 high-below-body, 15 unaligned
    expect(r.issues).toHaveLength(20);
    expect(r.issues.map((i) => i.line)).toEqual([...r.issues.map((i) => i.line)].sort((a, b) => a - b));
    expect(r.issues[0]).toMatchObject({ line: 2, column: "high" });
  });

  it("throws on a bad interval option: the caller's mistake, not the file's", async () => {
    await expect(scan(GOOD, { interval: "1y" })).rejects.toThrow(/invalid interval/);
  });

  it("works on text with CRLF endings", async () => {
    const r = await scan(textLines(`${GOOD.join("\r\n")}\r\n`));
    expect(r.ok && r.report.rows).toBe(4);
  });
});
