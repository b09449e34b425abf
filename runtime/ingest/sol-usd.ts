/**
 * USD per quote token for a live ingest: USDC and USDT are 1; SOL is a fixed `--sol-usd`, or the
 * price of DexScreener's most liquid SOL/USD-stablecoin pair, polled (token bucket and retries in
 * the client). Until the first answer SOL-quoted events are "unpriced": counted by the bar book
 * and shown in the status line, never guessed.
 */
import { Exit, ManagedRuntime } from "effect";
import { FetchHttpClient } from "effect/http";
import { USDC_MINT, USDT_MINT, WSOL_MINT } from "../../chain/layouts/programs.js";
import type { DexScreenerClient } from "../../streams/dexscreener/index.js";
import { parsePair } from "../../streams/dexscreener/index.js";

export interface UsdFeed {
  usd(quoteMint: string, tsEvent: number): number | null;
  /** Current SOL/USD, null until known. */
  readonly solUsd: number | null;
  stop(): Promise<void>;
}

const STABLE = new Set([USDC_MINT, USDT_MINT]);

export function fixedUsd(solUsd: number): UsdFeed {
  return { usd: (q) => (q === WSOL_MINT ? solUsd : STABLE.has(q) ? 1 : null), solUsd, stop: async () => {} };
}

/** Poll DexScreener every `intervalMs`; failures are logged through `onError` and retried next time. */
export function polledSolUsd(client: DexScreenerClient, intervalMs: number, onError: (detail: string) => void): UsdFeed {
  const runtime = ManagedRuntime.make(FetchHttpClient.layer);
  let price: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const abort = new AbortController();
  const once = async (): Promise<void> => {
    const exit = await runtime.runPromiseExit(client.tokensV1("solana", [WSOL_MINT]), { signal: abort.signal });
    if (stopped) return;
    if (Exit.isFailure(exit)) return onError(String(exit.cause));
    let best: { price: number; liquidity: number } | null = null;
    for (const p of exit.value) {
      if (p.baseToken.address !== WSOL_MINT || !STABLE.has(p.quoteToken.address)) continue;
      const s = parsePair(p, 0);
      if (s.priceUsd === null || !(s.priceUsd > 0)) continue;
      if (best === null || (s.liquidityUsd ?? 0) > best.liquidity) best = { price: s.priceUsd, liquidity: s.liquidityUsd ?? 0 };
    }
    if (best === null) return onError("DexScreener listed no SOL/USDC or SOL/USDT pair");
    price = best.price;
  };
  const loop = (): void => {
    if (stopped) return;
    inFlight = once().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    usd: (q) => (q === WSOL_MINT ? price : STABLE.has(q) ? 1 : null),
    get solUsd() {
      return price;
    },
    async stop() {
      stopped = true;
      abort.abort();
      if (timer !== undefined) clearTimeout(timer);
      await inFlight.catch(() => undefined);
      await runtime.dispose();
    },
  };
}
