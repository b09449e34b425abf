import { describe, expect, it } from "vitest";
import { accountData, fixtureJson } from "../../testkit/fixtures/load.js";
import {
  ammV4Reserves,
  cpmmReserves,
  curveMarketCapSol,
  curvePriceSol,
  curveProgressPct,
  decodeAmmV4,
  decodeBondingCurve,
  decodeCpmmPool,
  decodeCurveReserves,
  decodeTokenAccount,
  decodeTradeEvent,
  encodeAmmV4,
  encodeBondingCurve,
  encodeCpmmPool,
  encodeTokenAccount,
  encodeTradeEvent,
  tradeEventPayload,
  USDC_MINT,
  WSOL_MINT,
  type Decoded,
  base58,
  pubkeyAt,
} from "./index.js";

type Acc = { data: [string, string] };
const must = <T>(d: Decoded<T>): T => {
  if (!d.ok) throw d.error;
  return d.value;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("pump.fun bonding curve (fixture)", () => {
  const fx = fixtureJson<{ response: { result: { value: Acc } }; expected: Record<string, number> }>(
    "pumpfun/bonding_curve.getAccountInfo.json",
  );
  const data = accountData(fx.response.result.value);

  it("decodes the documented reserves, price and market cap", () => {
    const c = must(decodeBondingCurve(data));
    expect(c.virtualTokenReserves).toBe(1072999999992855n);
    expect(c.virtualSolReserves).toBe(30000000013n);
    expect(c.realTokenReserves).toBe(793099999992855n);
    expect(c.realSolReserves).toBe(13n);
    expect(c.tokenTotalSupply).toBe(1000000000000000n);
    expect(c.complete).toBe(false);
    expect(c.creator).toBe("ASxMiMb1AJGTU4AduPNB2CGqT1TiDqWkLvy7oCUnzw5x");
    expect(c.quoteMint).toBe(WSOL_MINT);
    const r = must(decodeCurveReserves(data));
    expect(curvePriceSol(r.vSol, r.vTok)).toBe(fx.expected.priceSolPerToken);
    expect(rel(curveMarketCapSol(r.vSol, r.vTok, r.supply), fx.expected.marketCapSol!)).toBeLessThan(1e-12);
    expect(rel(curveProgressPct(c.realTokenReserves), 9.008952212835708e-10)).toBeLessThan(1e-5);
  });

  it("round-trips through the encoder byte for byte", () => {
    const c = must(decodeBondingCurve(data));
    expect(Buffer.from(encodeBondingCurve({ ...c, creator: c.creator! })).equals(Buffer.from(data))).toBe(true);
  });

  it("accepts the 49-byte legacy account and rejects a wrong discriminator", () => {
    expect(must(decodeBondingCurve(data.subarray(0, 49))).creator).toBeNull();
    const bad = data.slice();
    bad[0] = 0;
    const d = decodeBondingCurve(bad);
    expect(d.ok ? null : d.error.reason).toBe("bad_discriminator");
    const short = decodeBondingCurve(data.subarray(0, 30));
    expect(short.ok ? null : short.error.reason).toBe("too_short");
  });
});

describe("pump.fun TradeEvent log lines (fixture)", () => {
  const lines = fixtureJson<{ name: string; programDataLine: string; decoded: Record<string, number | string | boolean> }[]>(
    "pumpfun/tradeEvent_program_data_lines.json",
  );
  it.each(lines.map((l) => [l.name, l] as const))("%s decodes to the reference values", (_n, line) => {
    const e = must(decodeTradeEvent(tradeEventPayload(line.programDataLine)!));
    const d = line.decoded;
    expect(e).toMatchObject({
      mint: d.mint,
      solAmount: d.sol_amount,
      tokenAmount: d.token_amount,
      isBuy: d.is_buy,
      user: d.user,
      timestamp: d.timestamp,
      virtualSolReserves: d.virtual_sol_reserves,
      virtualTokenReserves: d.virtual_token_reserves,
      realSolReserves: d.real_sol_reserves,
      realTokenReserves: d.real_token_reserves,
    });
  });
  it("re-encodes the 129-byte 2024 event exactly", () => {
    const payload = tradeEventPayload(lines[0]!.programDataLine)!;
    expect(Buffer.from(encodeTradeEvent(must(decodeTradeEvent(payload)))).equals(Buffer.from(payload))).toBe(true);
  });
  it("ignores other log lines", () => {
    expect(tradeEventPayload("Program log: Instruction: Buy")).toBeNull();
  });
});

describe("Raydium AMM v4 (fixture)", () => {
  const fx = fixtureJson<{
    pool: { pubkey: string; account: Acc };
    baseVault: { pubkey: string; account: Acc };
    quoteVault: { pubkey: string; account: Acc };
    expected: { baseReserveRaw: string; quoteReserveRaw: string; priceQuotePerBase: number };
  }>("raydium/amm_v4_pool_SOL_USDC.synthetic.json");

  it("decodes the pool and prices it from vaults minus pending PnL", () => {
    const p = must(decodeAmmV4(accountData(fx.pool.account)));
    expect(p.status).toBe(6n);
    expect([p.baseDecimal, p.quoteDecimal]).toEqual([9, 6]);
    expect([p.baseNeedTakePnl, p.quoteNeedTakePnl]).toEqual([1234567890n, 987654n]);
    expect(p.poolOpenTime).toBe(1669602450n);
    expect([p.baseMint, p.quoteMint]).toEqual([WSOL_MINT, USDC_MINT]);
    expect([p.baseVault, p.quoteVault]).toEqual([fx.baseVault.pubkey, fx.quoteVault.pubkey]);
    expect(p.marketProgramId).toBe("srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX");
    const base = must(decodeTokenAccount(accountData(fx.baseVault.account)));
    const quote = must(decodeTokenAccount(accountData(fx.quoteVault.account)));
    expect([base.amount, quote.amount]).toEqual([70908234567890n, 7144076987654n]);
    expect(base.owner).toBe("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1");
    const r = ammV4Reserves(p, base.amount, quote.amount);
    expect(r.base.toString()).toBe(fx.expected.baseReserveRaw);
    expect(r.quote.toString()).toBe(fx.expected.quoteReserveRaw);
    expect(Number(r.quote) / 1e6 / (Number(r.base) / 1e9)).toBe(fx.expected.priceQuotePerBase);
  });

  it("the encoder writes what the decoder reads", () => {
    const p = must(decodeAmmV4(accountData(fx.pool.account)));
    const again = must(decodeAmmV4(encodeAmmV4(p)));
    expect(again).toMatchObject({ baseVault: p.baseVault, quoteMint: p.quoteMint, baseNeedTakePnl: p.baseNeedTakePnl });
    const t = must(decodeTokenAccount(encodeTokenAccount({ mint: WSOL_MINT, owner: p.baseVault, amount: 5n })));
    expect(t).toEqual({ mint: WSOL_MINT, owner: p.baseVault, amount: 5n, state: 1 });
  });
});

describe("Raydium CPMM (fixture)", () => {
  const fx = fixtureJson<{
    pool: { account: Acc };
    vaultA: { pubkey: string; account: Acc };
    vaultB: { pubkey: string; account: Acc };
    expected: { reserveA: string; reserveB: string; priceAinBperB: number };
  }>("raydium/cpmm_pool.synthetic.json");

  it("decodes the pool and prices it from vaults minus fees", () => {
    const p = must(decodeCpmmPool(accountData(fx.pool.account)));
    expect([p.mintA, p.mintB]).toEqual([WSOL_MINT, "7R4zU5pgHFxRQaNUhhCAPFXaSN6AWiheD6rRfkFJpump"]);
    expect([p.vaultA, p.vaultB]).toEqual([fx.vaultA.pubkey, fx.vaultB.pubkey]);
    expect([p.mintDecimalA, p.mintDecimalB, p.status]).toEqual([9, 6, 0]);
    expect(p.lpAmount).toBe(12345678901n);
    expect([p.protocolFeesMintA, p.protocolFeesMintB, p.fundFeesMintA, p.fundFeesMintB]).toEqual([1000000n, 2000000n, 300000n, 400000n]);
    expect(p.openTime).toBe(1734616564n);
    const a = must(decodeTokenAccount(accountData(fx.vaultA.account))).amount;
    const b = must(decodeTokenAccount(accountData(fx.vaultB.account))).amount;
    const r = cpmmReserves(p, a, b);
    expect(r.a.toString()).toBe(fx.expected.reserveA);
    expect(r.b.toString()).toBe(fx.expected.reserveB);
    expect(Number(r.a) / 1e9 / (Number(r.b) / 1e6)).toBe(fx.expected.priceAinBperB);
    expect(must(decodeCpmmPool(encodeCpmmPool(p)))).toMatchObject({ vaultB: p.vaultB, fundFeesMintB: 400000n });
  });
});

describe("pubkeyAt", () => {
  it("is base58 of the 32 bytes, also for keys that share their cache slot (first 6 bytes)", () => {
    const a = new Uint8Array(40).fill(7);
    const b = new Uint8Array(40).fill(7);
    b[30] = 9; // same first 6 bytes at offset 4, a different key
    const [x, y] = [pubkeyAt(a, 4), pubkeyAt(b, 4)];
    expect(x).toBe(base58(a.subarray(4, 36)));
    expect(y).toBe(base58(b.subarray(4, 36)));
    expect(x).not.toBe(y);
    expect([pubkeyAt(a, 4), pubkeyAt(b, 4), pubkeyAt(a, 4)]).toEqual([x, y, x]);
    // The cache keeps its own copy: changing the source bytes later changes nothing cached.
    a[10] = 1;
    expect(pubkeyAt(a, 4)).toBe(base58(a.subarray(4, 36)));
  });
});
