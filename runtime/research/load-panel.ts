/** Bars from ClickHouse into an alpha panel: the highest-volume tokens of one interval and window. */
import { buildPanel, type BarInput, type Panel } from "../../alpha/index.js";
import type { Storage } from "../storage/storage.js";

export interface PanelQuery {
  readonly intervalS: number;
  readonly maxTokens: number;
  /** Unix seconds, inclusive. */
  readonly from?: number;
  /** Unix seconds, exclusive. */
  readonly to?: number;
  readonly mints?: readonly string[];
}

export async function loadPanel(storage: Storage, q: PanelQuery): Promise<Panel> {
  const where = ["interval_s = {interval:UInt32}", "ts >= {from:Int64}", "ts < {to:Int64}"];
  if (q.mints !== undefined) where.push("has({mints:Array(String)}, mint)");
  const params = {
    interval: q.intervalS,
    from: q.from ?? 0,
    to: q.to ?? Number.MAX_SAFE_INTEGER,
    mints: q.mints ?? [],
    limit: q.maxTokens,
  };
  const rows = await storage.query<BarInput>(
    `WITH universe AS (
       SELECT mint FROM bars FINAL WHERE ${where.join(" AND ")}
       GROUP BY mint ORDER BY sum(volume) DESC, mint LIMIT {limit:UInt32}
     )
     SELECT mint, ts, open, high, low, close, volume, liquidity, fdv
     FROM bars FINAL
     WHERE ${where.join(" AND ")} AND mint IN (SELECT mint FROM universe)
     ORDER BY mint, ts`,
    params,
  );
  return buildPanel(rows, { intervalS: q.intervalS });
}
