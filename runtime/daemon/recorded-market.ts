/**
 * The market of the daemon's `mode: replay`: recorded raw feed events (ClickHouse `feed_events`,
 * or a JSONL export of them), read in chain order, turned back into the Geyser updates they were
 * (streams/geyser/encode.ts), paced at `speed` times their recorded time, and served by the
 * loopback Yellowstone server. The daemon consumes them with the real client, through the same
 * ingest, scorer, position machines and paper executor as paper trading, on the wall clock: a
 * recorded day watched on the dashboard, as it happened, faster.
 *
 * `alphagpt backtest` replays the same rows as fast as they go, on a virtual clock, for reports;
 * this is the daemon watching them go by.
 */
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import type { PoolRegistry } from "../../streams/decoders/registry.js";
import { encodeFeedEvent, encodeSlot } from "../../streams/geyser/encode.js";
import { SubscribeRequest, type SubscribeUpdate } from "../../streams/geyser/wire.js";
import type { RowReader } from "../../streams/replay/readers.js";
import { newRowDecodeStats, rawRowDecoder, type RecordedRow, type RowDecodeStats } from "../../streams/replay/rows.js";
import type { FeedEvent } from "../../streams/types.js";
import { startGeyserServer, type GeyserServer } from "../../testkit/geyser/server.js";
import { pacer, type PacingOptions } from "./pacing.js";

export interface RecordedMarketOptions extends PacingOptions {
  readonly reader: RowReader;
  /** The daemon's decoder registry: curves are registered from the rows before their updates go out. */
  readonly registry: PoolRegistry;
  /** Told about each row that does not decode (it is skipped). */
  readonly onBadRow?: (row: RecordedRow, reason: string) => void;
}

export interface RecordedMarketStats {
  readonly rows: number;
  readonly published: number;
  readonly decode: RowDecodeStats;
  /** Recorded time of the last update sent, unix ms. */
  readonly recordedTimeMs: number | null;
  readonly lastSlot: number;
}

export interface RecordedMarket {
  readonly server: GeyserServer;
  readonly endpoint: string;
  readonly request: SubscribeRequest;
  /** Resolves once every recorded row is published (rejects when the reader fails). */
  readonly done: Promise<void>;
  stats(): RecordedMarketStats;
  close(): Promise<void>;
}

export async function startRecordedMarket(o: RecordedMarketOptions): Promise<RecordedMarket> {
  const pace = pacer(o);
  const decode = newRowDecodeStats();
  const decoder = rawRowDecoder({ stats: decode, registry: o.registry, ...(o.onBadRow !== undefined ? { onBad: o.onBadRow } : {}) });
  let rows = 0;
  let published = 0;
  let recordedTimeMs: number | null = null;
  let lastSlot = -1;
  let closed = false;
  let failure: unknown = null;

  async function* updates(): AsyncGenerator<SubscribeUpdate> {
    let slotMs = 0;
    const events: FeedEvent[] = [];
    try {
      for (let page = await o.reader.next(); page !== null && !closed; page = await o.reader.next()) {
        for (const row of page) {
          rows++;
          events.length = 0;
          decoder(row, events);
          for (const e of events) {
            // Gaps are our own observations, not the chain's: nothing to serve.
            if (e.kind !== "account" && e.kind !== "transaction") continue;
            const { slot, tsEvent: ts } = e.update;
            // A slot is over when the next one starts: its update goes first, as a validator's would.
            if (slot !== lastSlot) {
              if (lastSlot >= 0) yield encodeSlot({ slot: lastSlot, parent: lastSlot - 1, status: "processed", tsEvent: slotMs });
              lastSlot = slot;
              slotMs = ts;
            }
            await pace(ts);
            if (closed) return;
            const u = encodeFeedEvent(e);
            if (u === null) continue;
            recordedTimeMs = ts;
            published++;
            yield u;
          }
        }
      }
      if (lastSlot >= 0 && !closed) yield encodeSlot({ slot: lastSlot, parent: lastSlot - 1, status: "processed", tsEvent: slotMs });
    } catch (e) {
      // The feed ends here; `done` carries the reason.
      failure = e;
    } finally {
      await o.reader.close();
    }
  }

  const server = await startGeyserServer({ feed: updates(), replaySlots: 2_000, pingIntervalMs: 2_000 });
  const owners = [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID];
  const request = SubscribeRequest.fromPartial({
    accounts: { venues: { owner: owners }, tokens: { owner: [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID] } },
    transactions: { trades: { vote: false, failed: false, accountInclude: owners } },
    slots: { slots: {} },
  });
  return {
    server,
    endpoint: server.endpoint,
    request,
    done: server.feedDone.then(() => {
      if (failure !== null) throw failure;
    }),
    stats: () => ({ rows, published, decode: { ...decode }, recordedTimeMs, lastSlot }),
    close: async () => {
      closed = true;
      await server.close();
    },
  };
}
