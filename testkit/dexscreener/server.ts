/**
 * Loopback DexScreener API (solana-wire.md §2): `/tokens/v1/solana/{addresses}` (a bare array of
 * pairs, at most 30 addresses) and `/latest/dex/tokens/{addresses}` (`{schemaVersion, pairs}`).
 * Pairs come from the given list (default: the 2024 multi-token fixture); faults from testkit/http.
 */
import { fixtureJson } from "../fixtures/load.js";
import { startFaultyServer, type FaultyServer, type HttpFaults } from "../http/faulty-server.js";

export interface DexScreenerServerOptions {
  readonly pairs?: readonly Record<string, unknown>[];
  readonly faults?: HttpFaults;
}

export function startDexScreenerServer(opts: DexScreenerServerOptions = {}): Promise<FaultyServer> {
  const pairs = opts.pairs ?? fixtureJson<{ pairs: Record<string, unknown>[] }>("dexscreener/latest_dex_tokens_multi_2024.json").pairs;
  const forTokens = (list: string): Record<string, unknown>[] | null => {
    const wanted = new Set(decodeURIComponent(list).split(",").filter((s) => s !== ""));
    if (wanted.size === 0 || wanted.size > 30) return null;
    return pairs.filter((p) => wanted.has(String((p["baseToken"] as { address?: unknown } | undefined)?.address)));
  };
  return startFaultyServer((url) => {
    let m = /^\/tokens\/v1\/solana\/([^/]+)$/.exec(url.pathname);
    if (m !== null) {
      const found = forTokens(m[1] as string);
      return found === null ? { status: 400, body: { error: "1 to 30 addresses" } } : { status: 200, body: found };
    }
    m = /^\/latest\/dex\/tokens\/([^/]+)$/.exec(url.pathname);
    if (m !== null) {
      const found = forTokens(m[1] as string);
      return found === null ? { status: 400, body: { error: "1 to 30 addresses" } } : { status: 200, body: { schemaVersion: "1.0.0", pairs: found } };
    }
    return null;
  }, opts.faults);
}
