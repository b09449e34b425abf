/**
 * Stream ingest benchmark: simulated account updates (real pump.fun curve, CPMM pool and SPL
 * vault bytes, pump.fun TradeEvent transactions, slot updates) pushed through decode → coalesce →
 * bars → sink, against the same pipeline without coalescing, in the same process.
 *
 *   node --import tsx bench/ingest-stream.bench.ts [--updates 300000] [--curves 2000] [--pools 200]
 *
 * Steady phase: updates in chunks of `--chunk`, the event loop turning between chunks (so the
 * coalescing window's timer runs), as fast as the pipeline takes them: updates/s. Burst phase:
 * 10x larger chunks, 10x the updates, on a fresh pipeline; peak RSS sampled after every chunk.
 * The sinks encode price-tick and bar rows as the BatchedWriter does at push (TabSeparated, the
 * price_ticks and bars tables) and drop the bytes: the stream's cost without ClickHouse's.
 * Coalescing shows up as fewer tick rows to encode. Last line: one JSON object.
 */
import { parseArgs } from "node:util";
import { Subject, type Observable } from "rxjs";
import { seededRng, randInt } from "../core/random.js";
import { encodeRows } from "../runtime/storage/encode.js";
import { pubkeyString } from "../chain/layouts/bytes.js";
import { PUMP_PROGRAM_ID, RAYDIUM_CPMM_AUTHORITY, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID, WSOL_MINT } from "../chain/layouts/programs.js";
import { encodeBondingCurve } from "../chain/layouts/pumpfun-curve.js";
import { tradeEventLogLine } from "../chain/layouts/pumpfun-trade-event.js";
import { encodeCpmmPool } from "../chain/layouts/raydium-cpmm.js";
import { encodeTokenAccount } from "../chain/layouts/spl-token.js";
import { MarketDecoder } from "../streams/decoders/market-decoder.js";
import { aggregateBars } from "../streams/operators/aggregate-bars.js";
import { coalesceMarket } from "../streams/operators/coalesce-market.js";
import { decodeMarket } from "../streams/operators/decode-market.js";
import { sinkTo } from "../streams/operators/sink.js";
import { barRows, priceTickRow } from "../streams/sinks/rows.js";
import type { AccountUpdate, FeedEvent, MarketEvent, TransactionUpdate } from "../streams/types.js";

const { values: args } = parseArgs({
  options: {
    updates: { type: "string", default: "300000" },
    curves: { type: "string", default: "2000" },
    pools: { type: "string", default: "200" },
    chunk: { type: "string", default: "1000" },
    window: { type: "string", default: "50" },
  },
});
const UPDATES = Number(args.updates);
const CURVES = Number(args.curves);
const POOLS = Number(args.pools);
const CHUNK = Number(args.chunk);
const WINDOW_MS = Number(args.window);
const START_MS = 1_735_689_600_000;
const UPDATES_PER_SLOT = 100;

const key = (i: number, tag: number): string => {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i, true);
  b[4] = tag;
  b[31] = 1;
  return pubkeyString(b);
};

/** A ring of templates (account bytes, trade logs); each push stamps slot, time and version. */
function templates(): { readonly ring: readonly FeedEvent[]; readonly registry: (d: MarketDecoder) => void } {
  const rng = seededRng(7);
  const curves = Array.from({ length: CURVES }, (_, i) => ({ curve: key(i, 1), mint: key(i, 2), vSol: 30e9, vTok: 1.073e15 }));
  const pools = Array.from({ length: POOLS }, (_, i) => ({ pool: key(i, 3), mint: key(i, 4), solVault: key(i, 5), tokVault: key(i, 6), sol: 500e9, tok: 2e14 }));
  const ring: FeedEvent[] = [];
  const acct = (pubkey: string, owner: string, data: Uint8Array): FeedEvent => ({ kind: "account", update: { pubkey, owner, data, slot: 0, writeVersion: 0, tsEvent: 0, tsInit: 0 } });
  for (const p of pools) ring.push(acct(p.pool, RAYDIUM_CPMM_PROGRAM_ID, encodeCpmmPool({ vaultA: p.solVault, vaultB: p.tokVault, mintA: WSOL_MINT, mintB: p.mint, mintDecimalA: 9, mintDecimalB: 6 })));
  for (let n = 0; n < 20_000; n++) {
    const r = rng.next();
    if (r < 0.75) {
      const c = curves[randInt(rng, curves.length)]!;
      const sol = Math.floor(rng.next() * 1e9);
      const buy = rng.next() < 0.55;
      const tok = Math.floor((c.vTok * sol) / (c.vSol + sol));
      c.vSol += buy ? sol : -Math.min(sol, c.vSol / 2);
      c.vTok += buy ? -tok : tok;
      const data = encodeBondingCurve({ virtualTokenReserves: c.vTok, virtualSolReserves: Math.floor(c.vSol), realTokenReserves: 7e14, realSolReserves: Math.floor(c.vSol - 30e9 > 0 ? c.vSol - 30e9 : 1), tokenTotalSupply: 1e15, complete: false, creator: c.mint });
      ring.push(acct(c.curve, PUMP_PROGRAM_ID, data));
      if (rng.next() < 0.3) {
        const line = tradeEventLogLine({ mint: c.mint, solAmount: sol, tokenAmount: tok, isBuy: buy, user: c.curve, timestamp: 0, virtualSolReserves: Math.floor(c.vSol), virtualTokenReserves: c.vTok, realSolReserves: 1, realTokenReserves: 1 });
        const tx: TransactionUpdate = { signature: `sig${n}`, slot: 0, index: n, failed: false, accountKeys: [c.curve, PUMP_PROGRAM_ID], logMessages: ["Program log: Instruction: Buy", line], preTokenBalances: [], postTokenBalances: [], tsEvent: 0, tsInit: 0 };
        ring.push({ kind: "transaction", update: tx });
      }
    } else {
      const p = pools[randInt(rng, pools.length)]!;
      p.sol += Math.floor((rng.next() - 0.5) * 1e9);
      p.tok -= Math.floor((rng.next() - 0.5) * 1e11);
      ring.push(acct(p.solVault, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: WSOL_MINT, owner: RAYDIUM_CPMM_AUTHORITY, amount: p.sol })));
      ring.push(acct(p.tokVault, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: p.mint, owner: RAYDIUM_CPMM_AUTHORITY, amount: p.tok })));
    }
  }
  return { ring, registry: (d) => curves.forEach((c) => d.registry.registerCurve(c.curve, c.mint)) };
}

/** The n-th update: a template stamped with its slot, time and write version. */
function stamp(t: FeedEvent, n: number): FeedEvent {
  const slot = 310_000_000 + Math.floor(n / UPDATES_PER_SLOT);
  const tsEvent = START_MS + (slot - 310_000_000) * 400;
  if (t.kind === "account") return { kind: "account", update: { ...t.update, slot, writeVersion: n, tsEvent, tsInit: tsEvent } satisfies AccountUpdate };
  if (t.kind === "transaction") return { kind: "transaction", update: { ...t.update, slot, tsEvent, tsInit: tsEvent } };
  return t;
}

const TICK_COLUMNS = ["mint", "slot", "ts_ms", "price", "liquidity", "source", "seq"];
const BAR_COLUMNS = ["interval_s", "mint", "ts", "open", "high", "low", "close", "volume", "liquidity", "fdv", "trades", "lowprec", "source", "version"];

interface Counts {
  tickRows: number;
  barRows: number;
}

function pipeline(input: Observable<FeedEvent>, coalesce: boolean, counts: Counts, decoder: MarketDecoder): Observable<unknown> {
  const ticks = { push: (rows: readonly object[]) => void (counts.tickRows += encodeRows("price_ticks", rows, TICK_COLUMNS).rows) };
  const bars = { push: (rows: readonly object[]) => void (counts.barRows += encodeRows("bars", rows, BAR_COLUMNS).rows) };
  const decoded = input.pipe(decodeMarket(decoder));
  const maybeCoalesced = coalesce ? decoded.pipe(coalesceMarket({ windowMs: WINDOW_MS, barIntervalS: 60, maxMints: 10_000 })) : decoded;
  return maybeCoalesced.pipe(
    sinkTo<MarketEvent, object>({ writer: ticks, toRows: (e) => (e.kind === "price" ? [priceTickRow(e, "bench")] : []) }),
    aggregateBars({ intervalS: 60, graceMs: 2_000, usd: () => 150 }),
    sinkTo({ writer: bars, toRows: barRows }),
  );
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function run(ring: readonly FeedEvent[], register: (d: MarketDecoder) => void, coalesce: boolean, total: number, chunk: number, start: number) {
  const input = new Subject<FeedEvent>();
  const counts: Counts = { tickRows: 0, barRows: 0 };
  const decoder = new MarketDecoder();
  register(decoder);
  let done = false;
  pipeline(input, coalesce, counts, decoder).subscribe({ complete: () => (done = true) });
  let peakRss = process.memoryUsage.rss();
  const t0 = performance.now();
  for (let n = start; n < start + total; ) {
    const end = Math.min(start + total, n + chunk);
    for (; n < end; n++) input.next(stamp(ring[n % ring.length]!, n));
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    await turn();
  }
  input.complete();
  const seconds = (performance.now() - t0) / 1000;
  if (!done) throw new Error("pipeline did not complete");
  return { perSecond: total / seconds, seconds, peakRssMb: peakRss / 2 ** 20, counts, errors: decoder.stats.errors };
}

const rssAtStart = process.memoryUsage.rss() / 2 ** 20;
const { ring, registry } = templates();
console.log(`RSS at start ${rssAtStart.toFixed(1)} MB, after building templates ${(process.memoryUsage.rss() / 2 ** 20).toFixed(1)} MB`);
console.log(`ring ${ring.length} templates; ${CURVES} curves, ${POOLS} CPMM pools; ${UPDATES} updates per run, chunk ${CHUNK}, window ${WINDOW_MS} ms`);
await run(ring, registry, true, Math.min(UPDATES, 100_000), CHUNK, 0); // warm-up: JIT and caches
const best = { plain: 0, coalesced: 0 };
let coalescedRun: Awaited<ReturnType<typeof run>> | undefined;
for (let round = 0; round < 2; round++) {
  const plain = await run(ring, registry, false, UPDATES, CHUNK, 0);
  const co = await run(ring, registry, true, UPDATES, CHUNK, 0);
  best.plain = Math.max(best.plain, plain.perSecond);
  if (co.perSecond > best.coalesced) {
    best.coalesced = co.perSecond;
    coalescedRun = co;
  }
  console.log(`round ${round}: uncoalesced ${plain.perSecond.toFixed(0)}/s (${plain.counts.tickRows} tick rows), coalesced ${co.perSecond.toFixed(0)}/s (${co.counts.tickRows} tick rows, ${co.counts.barRows} bar rows)`);
}
global.gc?.();
console.log(`RSS before the burst ${(process.memoryUsage.rss() / 2 ** 20).toFixed(1)} MB`);
const burst = await run(ring, registry, true, UPDATES * 10, CHUNK * 10, 0);
console.log(`burst: ${UPDATES * 10} updates in chunks of ${CHUNK * 10}: ${burst.perSecond.toFixed(0)}/s, peak RSS ${burst.peakRssMb.toFixed(1)} MB, decode errors ${burst.errors}`);
console.log(`coalesced tick rows ${coalescedRun?.counts.tickRows}; target >= 200,000 updates/s`);
console.log(
  JSON.stringify({
    bench: "ingest-stream",
    updates_per_s: Math.round(best.coalesced),
    burst_peak_rss_mb: Math.round(burst.peakRssMb * 10) / 10,
    ratio_vs_uncoalesced: Math.round((best.coalesced / best.plain) * 100) / 100,
  }),
);
