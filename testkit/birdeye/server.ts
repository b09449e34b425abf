/**
 * Loopback Birdeye public API (solana-wire.md §1): token_trending, token_overview and ohlcv with
 * its 1,000-record cap (the earliest 1,000 in the window; a client pages by time). Requires
 * `X-API-KEY`. Served from the fixtures unless given data; faults from testkit/http.
 */
import { fixtureJson } from "../fixtures/load.js";
import { startFaultyServer, type FaultyServer, type HttpFaults, type HttpReply } from "../http/faulty-server.js";

export interface OhlcvItem {
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  readonly unixTime: number;
}

export interface BirdeyeServerOptions {
  readonly apiKey?: string;
  /** `data` of token_trending (default: the docs fixture). */
  readonly trending?: { readonly tokens: readonly Record<string, unknown>[]; readonly total?: number };
  /** `data` of token_overview per address (default: the 2025 SOL fixture for any address). */
  readonly overview?: (address: string) => Record<string, unknown> | null;
  /** Every bar of an address and type, in time order. */
  readonly ohlcv?: (address: string, type: string) => readonly OhlcvItem[];
  readonly faults?: HttpFaults;
}

export const OHLCV_CAP = 1000;

const ok = (data: unknown): HttpReply => ({ status: 200, body: { success: true, data } });
const bad = (status: number, message: string): HttpReply => ({ status, body: { success: false, message } });

export function startBirdeyeServer(opts: BirdeyeServerOptions = {}): Promise<FaultyServer> {
  const key = opts.apiKey ?? "test-key";
  const trending = opts.trending ?? fixtureJson<{ data: { tokens: Record<string, unknown>[]; total: number } }>("birdeye/defi-token_trending.json").data;
  const overviewFixture = fixtureJson<{ data: Record<string, unknown> }>("birdeye/defi-token_overview.json").data;
  return startFaultyServer((url, headers) => {
    if (headers["x-api-key"] !== key) return bad(401, "Unauthorized");
    const q = url.searchParams;
    switch (url.pathname) {
      case "/defi/token_trending": {
        const offset = Number(q.get("offset") ?? 0);
        const limit = Number(q.get("limit") ?? 20);
        if (!(limit >= 1 && limit <= 20)) return bad(400, "limit must be 1..20");
        return ok({ updateUnixTime: 1726681733, updateTime: "2024-09-18T17:48:53", tokens: trending.tokens.slice(offset, offset + limit), total: trending.total ?? trending.tokens.length });
      }
      case "/defi/token_overview": {
        const address = q.get("address");
        if (address === null) return bad(400, "address is required");
        const data = opts.overview ? opts.overview(address) : { ...overviewFixture, address };
        return data === null ? bad(400, "token not found") : ok(data);
      }
      case "/defi/ohlcv": {
        const address = q.get("address");
        const type = q.get("type") ?? "15m";
        const from = Number(q.get("time_from"));
        const to = Number(q.get("time_to"));
        if (address === null || !Number.isFinite(from) || !Number.isFinite(to)) return bad(400, "address, time_from and time_to are required");
        const all = opts.ohlcv ? opts.ohlcv(address, type) : [];
        const items = all.filter((b) => b.unixTime >= from && b.unixTime <= to).slice(0, OHLCV_CAP);
        return ok({ items: items.map((b) => ({ ...b, address, type, currency: "usd" })), isScaledUiToken: false });
      }
      default:
        return null;
    }
  }, opts.faults);
}
