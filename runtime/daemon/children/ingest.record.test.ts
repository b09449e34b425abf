/** The ingest child records account states read by RPC as the feed's own rows: a replay reads them back as the same writes. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../core/clock.js";
import { BarBook } from "../../../streams/bars/bar-book.js";
import { MarketDecoder } from "../../../streams/decoders/market-decoder.js";
import { feedEventOfRow } from "../../../streams/replay/rows.js";
import type { FeedEventRow } from "../../../streams/sinks/rows.js";
import type { AccountUpdate } from "../../../streams/types.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import { ingestChild } from "./ingest.js";

const MINT = "So11111111111111111111111111111111111111112";
const OWNER = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

describe("ingest child: recordAccounts", () => {
  it("writes RPC-read accounts as feed_events account rows that decode back to the same updates", () => {
    const rows: FeedEventRow[] = [];
    // The one writer call it makes; ClickHouse itself is beside the point here.
    const events = { push: async (r: readonly object[]) => void rows.push(...(r as FeedEventRow[])) } as unknown as BatchedWriter;
    const intervalS = 60;
    const child = ingestChild({
      target: () => Promise.reject(new Error("not started in this test")),
      decoder: new MarketDecoder(), bars: new BarBook({ intervalS, graceMs: 0, usd: () => 150, source: "geyser" }), usd: () => 150,
      intervalS, graceMs: 0, clockWatermark: false, writers: { events, ticks: events, bars: events }, clock: new VirtualClock(0), staleMs: 1_000,
      onTick: () => {}, onBar: () => {}, onSinkError: (t, e) => { throw new Error(`${t}: ${String(e)}`); },
    });
    const read: AccountUpdate = { pubkey: MINT, owner: OWNER, data: Uint8Array.from([1, 2, 3, 250]), slot: 310_000_123, writeVersion: 0, tsEvent: 1_735_689_600_500, tsInit: 1_735_689_600_500 };
    child.recordAccounts([read]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ slot: read.slot, signature: MINT, write_version: 0, kind: "geyser.account", ts_ms: read.tsEvent });
    expect(feedEventOfRow(rows[0]!)).toEqual({ kind: "account", update: read });
  });
});
