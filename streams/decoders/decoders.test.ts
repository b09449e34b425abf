import { describe, expect, it } from "vitest";
import { SubscribeUpdate } from "../geyser/wire.js";
import { parseSubscribeUpdate } from "../geyser/parse.js";
import { accountData, fixtureBytes, fixtureJson } from "../../testkit/fixtures/load.js";
import { encodeMint } from "../../chain/layouts/spl-mint.js";
import { encodeTokenAccount } from "../../chain/layouts/spl-token.js";
import { RAYDIUM_AMM_V4_AUTHORITY, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, USDC_MINT, WSOL_MINT } from "../../chain/layouts/programs.js";
import type { AccountUpdate, FeedEvent, MarketEvent, PriceTick, TradeTick, TransactionUpdate } from "../types.js";
import { MarketDecoder } from "./market-decoder.js";
import { PoolRegistry, pumpCurveAddress } from "./registry.js";
import { priceTickRow } from "../sinks/rows.js";
import { DecodeStats } from "./stats.js";
import type { MarketDecodeError } from "./errors.js";

const feed = (name: string): FeedEvent => {
  const p = parseSubscribeUpdate(SubscribeUpdate.decode(fixtureBytes(`yellowstone/${name}.pb.base64`)), 42);
  if (!p.ok || p.event === null) throw new Error(`fixture ${name} did not parse`);
  return p.event;
};
const run = (dec: MarketDecoder, events: FeedEvent[]): MarketEvent[] => {
  const out: MarketEvent[] = [];
  for (const e of events) dec.decode(e, out);
  return out;
};
const acct = (pubkey: string, owner: string, data: Uint8Array, slot: number, writeVersion = slot): FeedEvent => ({
  kind: "account",
  update: { pubkey, owner, data, slot, writeVersion, tsEvent: slot * 400, tsInit: 0 } satisfies AccountUpdate,
});
const slotEv = (slot: number): FeedEvent => ({ kind: "slot", update: { slot, parent: slot - 1, status: "processed", tsEvent: 0, tsInit: 0 } });

describe("pump.fun through the Geyser fixtures", () => {
  const CURVE = "EsmVk4MTsoT71JFaRM5DWFZboKpMQjfY6EYzAgUuksXw";
  const MINT = "7R4zU5pgHFxRQaNUhhCAPFXaSN6AWiheD6rRfkFJpump";

  it("an account update becomes a price tick for the registered mint", () => {
    const registry = new PoolRegistry();
    registry.registerCurve(CURVE, MINT);
    const [tick] = run(new MarketDecoder(registry), [feed("SubscribeUpdate.account_pumpfun_bonding_curve")]) as PriceTick[];
    expect(tick).toMatchObject({ kind: "price", mint: MINT, pool: CURVE, dex: "pumpfun", quoteMint: WSOL_MINT, slot: 307881234, price: 2.79589934885366e-8 });
    expect(tick!.tsEvent).toBe(Date.parse("2024-12-19T13:56:04.000Z"));
    expect(tick!.fdv! / 27.9589934885366 - 1).toBeLessThan(1e-12);
    expect(tick!.liquidity).toBeGreaterThan(0);
  });

  it("two writes of one curve in one slot are two ticks, told apart by write version down to their stored rows", () => {
    const registry = new PoolRegistry();
    registry.registerCurve(CURVE, MINT);
    const curve = feed("SubscribeUpdate.account_pumpfun_bonding_curve");
    if (curve.kind !== "account") throw new Error("not an account update");
    const again: FeedEvent = { kind: "account", update: { ...curve.update, writeVersion: curve.update.writeVersion + 1 } };
    const ticks = run(new MarketDecoder(registry), [curve, again]) as PriceTick[];
    expect(ticks.map((t) => [t.slot, t.tsEvent, t.writeVersion])).toEqual([
      [curve.update.slot, curve.update.tsEvent, curve.update.writeVersion],
      [curve.update.slot, curve.update.tsEvent, curve.update.writeVersion + 1],
    ]);
    // The price_ticks key is (mint, ts_ms, source, seq): distinct rows, not one replacing the other.
    const keys = new Set(ticks.map((t) => priceTickRow(t, "geyser")).map((r) => JSON.stringify([r.mint, r.ts_ms, r.source, r.seq])));
    expect(keys.size).toBe(2);
  });

  it("an unknown curve is keyed by its own address", () => {
    const [tick] = run(new MarketDecoder(), [feed("SubscribeUpdate.account_pumpfun_bonding_curve")]);
    expect(tick?.mint).toBe(CURVE);
  });

  it("a Buy transaction becomes a trade from its TradeEvent log", () => {
    const [t] = run(new MarketDecoder(), [feed("SubscribeUpdate.transaction_pumpfun_buy")]) as TradeTick[];
    expect(t).toMatchObject({ kind: "trade", mint: MINT, side: "buy", slot: 307881234, quoteAmount: 1.253951806, baseAmount: 37809162.736217 });
    expect(t!.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{86,88}$/);
    expect(t!.price).toBeCloseTo(1.253951806 / 37809162.736217, 15);
    expect(t!.user).toBe("ASxMiMb1AJGTU4AduPNB2CGqT1TiDqWkLvy7oCUnzw5x");
  });

  it("the curve PDA of the fixture mint is derivable", async () => {
    // Fixture keys are placeholders, so only the shape is checked: a 32-byte base58 address.
    expect((await pumpCurveAddress(MINT)).length).toBeGreaterThanOrEqual(43);
  });
});

describe("Raydium pools tick once their slot is over", () => {
  type Acc = { data: [string, string] };
  type Fx = { pool: { pubkey: string; account: Acc } } & Record<string, { pubkey: string; account: Acc }>;

  it("AMM v4 SOL/USDC prices SOL in USDC from vaults minus PnL", () => {
    const fx = fixtureJson<Fx>("raydium/amm_v4_pool_SOL_USDC.synthetic.json");
    const dec = new MarketDecoder();
    const within = run(dec, [
      acct(fx.pool.pubkey, RAYDIUM_AMM_V4_PROGRAM_ID, accountData(fx.pool.account), 10),
      acct(fx.baseVault!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.baseVault!.account), 10),
      acct(fx.quoteVault!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.quoteVault!.account), 10),
    ]);
    expect(within).toEqual([]);
    const [tick] = run(dec, [slotEv(10)]) as PriceTick[];
    expect(tick).toMatchObject({ mint: WSOL_MINT, quoteMint: USDC_MINT, dex: "raydium-amm-v4", price: 100.7527606583271, slot: 10 });
    expect(tick!.liquidity).toBeCloseTo(2 * 7144076, 6);
  });

  it("CPMM prices the meme side in SOL from vaults minus fees; a later slot also closes it", () => {
    const fx = fixtureJson<Fx>("raydium/cpmm_pool.synthetic.json");
    const dec = new MarketDecoder();
    const out = run(dec, [
      acct(fx.pool.pubkey, RAYDIUM_CPMM_PROGRAM_ID, accountData(fx.pool.account), 20),
      acct(fx.vaultA!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.vaultA!.account), 20),
      acct(fx.vaultB!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.vaultB!.account), 20),
      acct("11111111111111111111111111111111", "11111111111111111111111111111111", new Uint8Array(0), 21),
    ]) as PriceTick[];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ mint: "7R4zU5pgHFxRQaNUhhCAPFXaSN6AWiheD6rRfkFJpump", quoteMint: WSOL_MINT, price: 4.1262135922330097e-7 });
  });

  it("a Token-2022 mint with extensions gives the pool its supply, hence an FDV; a token account of no pool does not", () => {
    const fx = fixtureJson<Fx>("raydium/cpmm_pool.synthetic.json");
    const MEME = "7R4zU5pgHFxRQaNUhhCAPFXaSN6AWiheD6rRfkFJpump";
    const dec = new MarketDecoder();
    const mint = encodeMint({ supply: 1_000_000_000_000_000n, decimals: 6, extensions: [{ extension: "transferFeeConfig", feeBps: 0 }] });
    expect(mint.length).toBeGreaterThan(165);
    const out = run(dec, [
      acct(MEME, TOKEN_2022_PROGRAM_ID, mint, 19),
      acct("So11111111111111111111111111111111111111112", TOKEN_2022_PROGRAM_ID, encodeTokenAccount({ mint: MEME, owner: MEME, amount: 5n }), 19),
      acct(fx.pool.pubkey, RAYDIUM_CPMM_PROGRAM_ID, accountData(fx.pool.account), 20),
      acct(fx.vaultA!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.vaultA!.account), 20),
      acct(fx.vaultB!.pubkey, TOKEN_PROGRAM_ID, accountData(fx.vaultB!.account), 20),
      slotEv(21),
    ]) as PriceTick[];
    expect(out).toHaveLength(1);
    expect(out[0]!.fdv).toBeCloseTo(4.1262135922330097e-7 * 1e9, 6); // price x 1e9 whole tokens
  });

  it("a swap's vault balance changes become a trade", () => {
    const fx = fixtureJson<Fx>("raydium/amm_v4_pool_SOL_USDC.synthetic.json");
    const dec = new MarketDecoder();
    run(dec, [acct(fx.pool.pubkey, RAYDIUM_AMM_V4_PROGRAM_ID, accountData(fx.pool.account), 1)]);
    const bal = (i: number, mint: string, amount: bigint, decimals: number) => ({ accountIndex: i, mint, owner: RAYDIUM_AMM_V4_AUTHORITY, amount, decimals });
    const tx: TransactionUpdate = {
      signature: "sig1",
      slot: 2,
      index: 0,
      failed: false,
      accountKeys: ["user111111111111111111111111111111111111111", fx.baseVault!.pubkey, fx.quoteVault!.pubkey],
      logMessages: [],
      preTokenBalances: [bal(1, WSOL_MINT, 10_000_000_000n, 9), bal(2, USDC_MINT, 1_000_000_000n, 6)],
      // Trader sold 1 SOL for 100 USDC: the SOL vault grew, the USDC vault shrank.
      postTokenBalances: [bal(1, WSOL_MINT, 11_000_000_000n, 9), bal(2, USDC_MINT, 900_000_000n, 6)],
      tsEvent: 5,
      tsInit: 6,
    };
    const [t] = run(dec, [{ kind: "transaction", update: tx }]) as TradeTick[];
    expect(t).toMatchObject({ mint: WSOL_MINT, quoteMint: USDC_MINT, side: "sell", baseAmount: 1, quoteAmount: 100, price: 100, pool: fx.pool.pubkey });
  });
});

describe("bad input is counted, reported and skipped", () => {
  it("a malformed curve and a failed transaction yield nothing but counters", () => {
    const errors: MarketDecodeError[] = [];
    const dec = new MarketDecoder(new PoolRegistry(), new DecodeStats((e) => errors.push(e)));
    const good = feed("SubscribeUpdate.account_pumpfun_bonding_curve");
    if (good.kind !== "account") throw new Error("fixture");
    const out = run(dec, [
      { kind: "account", update: { ...good.update, data: good.update.data.subarray(0, 20) } },
      feed("SubscribeUpdate.transaction_failed_status"),
      acct("vault", TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: WSOL_MINT, owner: WSOL_MINT, amount: 1n }), 3),
    ]);
    expect(out).toEqual([]);
    expect(dec.stats.errors).toBe(1);
    expect(errors[0]).toMatchObject({ _tag: "MarketDecodeError", source: "account", layout: "pumpfun.BondingCurve", reason: "too_short", slot: 307881234 });
    expect(dec.stats.snapshot()["pumpfun.BondingCurve:too_short"]).toBe(1);
    expect(dec.stats.ignored).toBe(2); // the failed transaction and the unknown vault
  });

  it("the failed-status fixture parses as a failed transaction at its slot", () => {
    const p = feed("SubscribeUpdate.transaction_failed_status");
    expect(p).toMatchObject({ kind: "transaction", update: { slot: 307881235, index: 3, failed: true } });
  });
});
