import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BINARY_ROWS_MAGIC, BinaryRowEncoder } from "./binary-rows.js";
import { binaryReader, recordingReader } from "./file-readers.js";
import type { RowReader } from "./readers.js";
import { compareRows, feedEventOfRow, rawRowDecoder, type RecordedRow } from "./rows.js";
import { account, OWNER, T0, transaction } from "./test-rows.js";
import type { FeedEvent } from "../types.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-binary-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a binary recording of `rows` holds (the bytes `writeRows(..., "binary")` writes). */
function binary(rows: readonly RecordedRow[]): Buffer {
  const enc = new BinaryRowEncoder();
  return Buffer.concat([BINARY_ROWS_MAGIC, ...rows.map((r) => Buffer.from(enc.encode(r)))]);
}

async function all(reader: RowReader): Promise<RecordedRow[]> {
  const out: RecordedRow[] = [];
  for (let page = await reader.next(); page !== null; page = await reader.next()) out.push(...page);
  await reader.close();
  return out;
}

const columns = (r: RecordedRow) => ({ slot: r.slot, signature: r.signature, write_version: r.write_version, kind: r.kind, mint: r.mint, ts_ms: r.ts_ms });

describe("binary recordings", () => {
  const small = { ...transaction(101, 1), payload: JSON.stringify({ ...JSON.parse(transaction(101, 1).payload), logMessages: ["Program log: ünïcode ✓", "Program data: x"], postTokenBalances: [{ accountIndex: 0, mint: OWNER, owner: OWNER, amount: "42", decimals: 9 }] }) };
  const rows: RecordedRow[] = [
    { slot: 100, signature: "gap:90-100", write_version: 0, kind: "geyser.gap", mint: "", payload: JSON.stringify({ kind: "gap", requestedFromSlot: 90, resumedAtSlot: 100, tsInit: T0 }), ts_ms: T0 },
    account(100, 1),
    { ...account(100, 2, "curve"), mint: "theMint" },
    { ...account(100, 3), payload: "{not json" },
    transaction(100, 0),
    { ...account(101, 4), kind: "late_price" },
    { ...account(101, 5), kind: "sim.trade", payload: JSON.stringify({ kind: "trade" }) },
    { ...account(101, 6), payload: "", parsed: JSON.parse(account(101, 6).payload) as unknown },
    small,
    // The same strings again: from the table this time.
    account(102, 7),
    transaction(102, 0),
  ];

  it("hand back every row's columns and the event its payload decodes to; other rows as they were", async () => {
    const path = join(dir, "rows.bin");
    writeFileSync(path, binary(rows));
    const got = await all(binaryReader(path));
    expect(got.map(columns)).toEqual(rows.map(columns));
    for (let i = 0; i < rows.length; i++) expect(feedEventOfRow(got[i]!)).toEqual(feedEventOfRow(rows[i]!));
    // Raw feed rows arrive decoded; the rest keep their payload for their own decoders.
    expect(got.map((r) => (r.event !== undefined ? "event" : r.payload === "" ? "empty" : "payload"))).toEqual([
      "event", "event", "event", "payload", "event", "payload", "payload", "event", "event", "event", "event",
    ]);
  });

  it("replay through the row decoder as the JSON rows do: registrations, bad rows counted, kinds skipped", async () => {
    const path = join(dir, "decode.bin");
    writeFileSync(path, binary(rows));
    const decodeAll = (list: readonly RecordedRow[]) => {
      const stats = { decoded: 0, skipped: 0, bad: 0 };
      const curves: string[] = [];
      const decode = rawRowDecoder({ stats, registry: { mintOfCurve: () => undefined, registerCurve: (c: string, m: string) => void curves.push(`${c}>${m}`) } as never });
      const out: FeedEvent[] = [];
      for (const r of list) decode(r, out);
      return { stats, curves, out };
    };
    const a = decodeAll(rows);
    const b = decodeAll(await all(binaryReader(path)));
    expect(b).toEqual(a);
    expect(b.stats).toEqual({ decoded: 8, skipped: 2, bad: 1 });
    expect(b.curves).toEqual(["curve>theMint"]);
  });

  it("count a truncated tail as one bad record and keep the rows before it", async () => {
    const path = join(dir, "truncated.bin");
    const bytes = binary(rows.slice(0, 3));
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    const reader = binaryReader(path, { chunkBytes: 16 });
    const bad: string[] = [];
    reader.onBadLine = (_n, why) => void bad.push(why);
    expect((await all(reader)).map(columns)).toEqual(rows.slice(0, 2).map(columns));
    expect(reader.stats).toMatchObject({ records: 3, badLines: 1 });
    expect(bad).toEqual(["record is truncated"]);
  });

  it("are told from JSONL by their first bytes; pages stay within the page size and in chain order", async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => account(100 + Math.floor(i / 3), i));
    const bin = join(dir, "many.bin");
    const jsonl = join(dir, "many.jsonl");
    writeFileSync(bin, binary(many));
    writeFileSync(jsonl, many.map((r) => JSON.stringify(r)).join("\n"));
    const b = await recordingReader(bin, { pageSize: 100, chunkBytes: 4096 });
    const j = await recordingReader(jsonl, { pageSize: 100 });
    const fromBin = await all(b);
    expect(fromBin.map(columns)).toEqual((await all(j)).map(columns));
    expect(fromBin.map(columns)).toEqual([...many].sort(compareRows).map(columns));
    expect(fromBin[0]?.event).toBeDefined();
    expect(b.stats).toMatchObject({ rows: 5_000, outOfOrder: 0, badLines: 0 });
    expect(b.stats.maxHeld).toBeLessThanOrEqual(100);
  });
});
