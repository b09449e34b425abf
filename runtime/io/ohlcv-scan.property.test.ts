/**
 * Properties of the OHLCV scanner: every generated valid file is accepted with its values read
 * back exactly, and every single-cell corruption is rejected with exactly one issue on the right
 * line and column.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, splitCsvLine } from "./csv.js";
import { parseRecord } from "./ohlcv-columns.js";
import { scanOhlcv } from "./ohlcv-scan.js";

interface Bar {
  key: string;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  lowprec: 0 | 1;
  symbol: string;
}
const COLUMNS = ["ts", "pool", "symbol", "open", "high", "low", "close", "volume", "lowprec"] as const;
const price = fc.double({ min: 1e-9, max: 1e6, noNaN: true, noDefaultInfinity: true });

const fileArb = fc
  .record({
    interval: fc.constantFrom(60, 300, 3600, 86_400),
    keys: fc.uniqueArray(fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{3,8}$/), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ interval, keys }) =>
    fc
      .tuple(
        ...keys.map((key) =>
          fc.uniqueArray(
            fc.record({
              slot: fc.nat({ max: 400 }),
              prices: fc.array(price, { minLength: 4, maxLength: 4 }),
              openFirst: fc.boolean(),
              volume: fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
              lowprec: fc.constantFrom<0 | 1>(0, 1),
              symbol: fc.constantFrom("", "AAA / SOL", 'Odd, "quoted" / SOL'),
            }),
            { minLength: 1, maxLength: 8, selector: (r) => r.slot },
          ).map((rows) =>
            rows.map((r): Bar => {
              const [low = 1, a = 1, b = 1, high = 1] = [...r.prices].sort((x, y) => x - y);
              const base = 1_750_000_000 - (1_750_000_000 % interval);
              const [open, close] = r.openFirst ? [a, b] : [b, a];
              return { key, ts: base + r.slot * interval, open, high, low, close, volume: r.volume, lowprec: r.lowprec, symbol: r.symbol };
            }),
          ),
        ),
      )
      .chain((perKey) => fc.shuffledSubarray(perKey.flat(), { minLength: perKey.flat().length }))
      .map((bars) => ({ interval, bars })),
  );

const cells = (b: Bar): string[] => [String(b.ts), b.key, csvField(b.symbol), String(b.open), String(b.high), String(b.low), String(b.close), String(b.volume), String(b.lowprec)];
const render = (bars: readonly Bar[], edit?: (row: number, cells: string[]) => string[]): string[] => [
  COLUMNS.join(","),
  ...bars.map((b, i) => (edit === undefined ? cells(b) : edit(i, cells(b))).join(",")),
];

describe("OHLCV scan properties", () => {
  it("accepts every valid file and reads every value back exactly", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ interval, bars }) => {
        const lines = render(bars);
        const r = await scanOhlcv(lines, { interval });
        if (!r.ok) throw new Error(JSON.stringify(r.issues));
        expect(r.report.rows).toBe(bars.length);
        expect(r.report.keys).toBe(new Set(bars.map((b) => b.key)).size);
        bars.forEach((b, i) => {
          const fields = splitCsvLine(lines[i + 1] ?? "");
          if (typeof fields === "string") throw new Error(fields);
          expect(parseRecord(fields, r.layout, i + 2)).toMatchObject({ ...b, line: i + 2, liquidity: null, fdv: null, trades: 0 });
        });
      }),
      { numRuns: 150, seed: 20251005 },
    );
  });

  type Corruption = { column: string; apply: (b: Bar, cells: string[]) => void };
  const set = (i: number, v: string) => (_: Bar, c: string[]) => void (c[i] = v);
  const corruptions: readonly Corruption[] = [
    { column: "ts", apply: set(0, "soon") },
    { column: "ts", apply: (b, c) => void (c[0] = String(b.ts + 1)) },
    { column: "ts", apply: (b, c) => void (c[0] = String(b.ts * 1000)) },
    { column: "pool", apply: set(1, "") },
    { column: "pool", apply: set(1, "two words") },
    { column: "open", apply: set(3, "abc") },
    { column: "open", apply: set(3, "0") },
    { column: "close", apply: set(6, "-1") },
    { column: "close", apply: set(6, "NaN") },
    { column: "high", apply: (b, c) => void (c[4] = String(b.low / 2)) },
    { column: "high", apply: set(4, "1e999") },
    { column: "low", apply: (b, c) => void (c[5] = String(b.high * 2)) },
    { column: "low", apply: set(5, "") },
    { column: "volume", apply: set(7, "-0.5") },
    { column: "volume", apply: set(7, "0x10") },
    { column: "lowprec", apply: set(8, "yes") },
    { column: "(row)", apply: (_, c) => void c.pop() },
  ];

  it("rejects every single-cell corruption with one issue at the right line and column", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.nat(), fc.constantFrom(...corruptions), async ({ interval, bars }, pick, corruption) => {
        const row = pick % bars.length;
        const r = await scanOhlcv(render(bars, (i, c) => (i === row ? (corruption.apply(bars[i] as Bar, c), c) : c)), { interval });
        if (r.ok) throw new Error("accepted a corrupted file");
        expect(r.issueCount).toBe(1);
        expect(r.issues[0]).toMatchObject({ line: row + 2, column: corruption.column });
      }),
      { numRuns: 300, seed: 20251005 },
    );
  });

  it("rejects a copied bar time as a duplicate on the later of the two lines", async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.nat(), fc.nat(), async ({ interval, bars }, p, q) => {
        const a = p % bars.length;
        const peers = bars.flatMap((b, i) => (b.key === bars[a]?.key && i !== a ? [i] : []));
        fc.pre(peers.length > 0);
        const b = peers[q % peers.length] ?? 0;
        const r = await scanOhlcv(render(bars, (i, c) => (i === a ? ((c[0] = String(bars[b]?.ts)), c) : c)), { interval });
        if (r.ok) throw new Error("accepted a duplicate");
        expect(r.issueCount).toBe(1);
        expect(r.issues[0]).toMatchObject({ line: Math.max(a, b) + 2, column: "ts" });
        expect(r.issues[0]?.reason).toMatch(new RegExp(`already on line ${Math.min(a, b) + 2}`));
      }),
      { numRuns: 150, seed: 20251005 },
    );
  });
});
