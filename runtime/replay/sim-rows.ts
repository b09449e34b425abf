/**
 * Rows `alphagpt sim` writes to `feed_events` (kind `sim.<event>`, the simulator's event as JSON)
 * replayed as the Geyser feed the loopback market would have streamed for them: each event
 * becomes the account writes and transaction a validator sends (testkit's `SimGeyserFeed`, the
 * loopback market's own encoder), parsed by the live Geyser parser. The decoder then sees
 * exactly what the daemon's ingest sees in paper mode on the embedded market.
 *
 * Curves are registered with their mints at launch (the loopback registers every plan's curve
 * before streaming; a curve's first update is its launch, so the decoder knows it in time).
 * SOL/USD comes from the events themselves (`solUsd`), the simulator's own path.
 */
import { parseSubscribeUpdate } from "../../streams/geyser/parse.js";
import type { PoolRegistry } from "../../streams/decoders/registry.js";
import { payloadOf, type RecordedRow, type RowDecoder, type RowDecodeStats } from "../../streams/replay/rows.js";
import type { FeedEvent } from "../../streams/types.js";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import { SimGeyserFeed } from "../../testkit/geyser/sim-feed.js";
import type { SimEvent } from "../../testkit/sim/index.js";

const KINDS = new Set(["launch", "trade", "migrate", "rug"]);

export interface SimRowDecoder {
  readonly decode: RowDecoder;
  /** SOL/USD at a time, from the events replayed so far (USD stablecoins are 1). */
  usd(quoteMint: string, tsEvent: number): number | null;
  readonly feed: SimGeyserFeed;
}

const isSimEvent = (x: unknown): x is SimEvent => {
  if (typeof x !== "object" || x === null) return false;
  const e = x as Record<string, unknown>;
  return typeof e["kind"] === "string" && KINDS.has(e["kind"]) && typeof e["mint"] === "string" && typeof e["pool"] === "string" &&
    typeof e["slot"] === "number" && typeof e["tsMs"] === "number" && typeof e["solUsd"] === "number" && typeof e["venue"] === "string";
};

export function simRowDecoder(registry: PoolRegistry, stats: RowDecodeStats, onBad?: (row: RecordedRow, reason: string) => void): SimRowDecoder {
  const feed = new SimGeyserFeed();
  /** SOL/USD change points (time ascending). */
  const usdAt: { ts: number; usd: number }[] = [];
  const decode: RowDecoder = (row, out) => {
    if (!row.kind.startsWith("sim.")) {
      stats.skipped++;
      return;
    }
    let e: unknown;
    try {
      e = payloadOf(row);
    } catch {
      e = null;
    }
    if (!isSimEvent(e)) {
      stats.bad++;
      onBad?.(row, "not a simulator event");
      return;
    }
    stats.decoded++;
    const last = usdAt[usdAt.length - 1];
    if (last === undefined || (last.usd !== e.solUsd && e.tsMs >= last.ts)) {
      usdAt.push({ ts: e.tsMs, usd: e.solUsd });
      if (usdAt.length > 50_000) usdAt.splice(0, 10_000);
    }
    if (e.kind === "launch" && e.venue === "pumpfun") registry.registerCurve(feed.address(e.pool), feed.address(e.mint));
    for (const u of feed.updates(e)) {
      if (u.slot !== undefined) continue; // the replay source closes slots itself, where the feed would have
      const p = parseSubscribeUpdate(u, e.tsMs);
      if (p.ok && p.event !== null) out.push(p.event as FeedEvent);
    }
  };
  return {
    decode,
    feed,
    usd(quoteMint, ts) {
      if (quoteMint !== WSOL_MINT) return null;
      let lo = 0;
      let hi = usdAt.length - 1;
      if (hi < 0) return null;
      if (ts < usdAt[0]!.ts) return usdAt[0]!.usd;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (usdAt[mid]!.ts <= ts) lo = mid;
        else hi = mid - 1;
      }
      return usdAt[lo]!.usd;
    },
  };
}
