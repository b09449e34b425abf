/**
 * Random bytes never crash or hang a decoder: every input yields either a value or a typed,
 * counted error. Property runs are sized to stay well under a second on two cores.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAmmV4, decodeBondingCurve, decodeCpmmPool, decodeCurveReserves, decodeMint, decodePumpSwapPool, isMintData, decodeTokenAccount, decodeTradeEvent, LayoutDecodeError, PUMPSWAP_POOL_DISCRIMINATOR } from "../../chain/layouts/index.js";
import { BONDING_CURVE_DISCRIMINATOR } from "../../chain/layouts/pumpfun-curve.js";
import { CPMM_POOL_DISCRIMINATOR } from "../../chain/layouts/raydium-cpmm.js";
import { TRADE_EVENT_DISCRIMINATOR } from "../../chain/layouts/pumpfun-trade-event.js";
import { PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import { parseSubscribeUpdate } from "../geyser/parse.js";
import { SubscribeUpdate } from "../geyser/wire.js";
import type { MarketEvent } from "../types.js";
import { MarketDecoder } from "./market-decoder.js";

const decoders = { decodeBondingCurve, decodeCurveReserves, decodeAmmV4, decodeCpmmPool, decodeTokenAccount, decodeTradeEvent, decodePumpSwapPool, decodeMint };

/** Random bytes, half of them behind the right discriminator so the decoder gets past byte 8. */
const bytesWith = (prefix: readonly number[], maxLength: number) =>
  fc.oneof(
    fc.uint8Array({ maxLength }),
    fc.uint8Array({ maxLength }).map((b) => Uint8Array.from([...prefix, ...b])),
  );

const finiteOrError = (d: { ok: boolean; value?: unknown; error?: unknown }): void => {
  if (!d.ok) expect(d.error).toBeInstanceOf(LayoutDecodeError);
};

describe("layout decoders under random bytes", () => {
  it.each([
    ["decodeBondingCurve", BONDING_CURVE_DISCRIMINATOR, 140],
    ["decodeCurveReserves", BONDING_CURVE_DISCRIMINATOR, 140],
    ["decodeAmmV4", [], 800],
    ["decodeCpmmPool", CPMM_POOL_DISCRIMINATOR, 700],
    ["decodeTokenAccount", [], 200],
    ["decodeTradeEvent", TRADE_EVENT_DISCRIMINATOR, 400],
    ["decodePumpSwapPool", PUMPSWAP_POOL_DISCRIMINATOR, 300],
    ["decodeMint", [], 100],
  ] as const)("%s returns a value or a LayoutDecodeError", (name, prefix, max) => {
    fc.assert(fc.property(bytesWith(prefix, max), (b) => finiteOrError(decoders[name](b))), { numRuns: 300 });
  });

  it("fixed-size layouts decode every exact-size input without throwing", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 752, maxLength: 752 }), (b) => finiteOrError(decodeAmmV4(b))), { numRuns: 200 });
  });
});

describe("MarketDecoder under random account data", () => {
  it("never throws, never emits a non-finite price, and counts every malformed account", () => {
    const owners = [PUMP_PROGRAM_ID, PUMPSWAP_PROGRAM_ID, RAYDIUM_AMM_V4_PROGRAM_ID, RAYDIUM_CPMM_PROGRAM_ID, TOKEN_PROGRAM_ID];
    const update = fc.record({
      owner: fc.constantFrom(...owners),
      data: fc.oneof(bytesWith(BONDING_CURVE_DISCRIMINATOR, 120), fc.uint8Array({ minLength: 752, maxLength: 752 }), bytesWith(CPMM_POOL_DISCRIMINATOR, 700), bytesWith(PUMPSWAP_POOL_DISCRIMINATOR, 250)),
      slot: fc.nat(1000),
    });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 30 }), (ups) => {
        const dec = new MarketDecoder();
        const out: MarketEvent[] = [];
        ups.forEach((u, i) => dec.decode({ kind: "account", update: { pubkey: `acct${i % 5}`, owner: u.owner, data: u.data, slot: u.slot, writeVersion: i, tsEvent: 0, tsInit: 0 } }, out));
        dec.flush(out);
        for (const e of out) expect(Number.isFinite(e.price) && e.price > 0).toBe(true);
        expect(dec.stats.accounts).toBe(ups.length);
        // Oracle: the layout decoders alone say which accounts are malformed; each is counted once.
        const oracle = { [PUMP_PROGRAM_ID]: decodeCurveReserves, [PUMPSWAP_PROGRAM_ID]: decodePumpSwapPool, [RAYDIUM_AMM_V4_PROGRAM_ID]: decodeAmmV4, [RAYDIUM_CPMM_PROGRAM_ID]: decodeCpmmPool };
        // Token-program accounts here are never known vaults; mint bytes (82, or AccountType 1 past 165) are read as a Mint.
        const malformed = ups.filter((u) => (u.owner === TOKEN_PROGRAM_ID ? isMintData(u.data) && !decodeMint(u.data).ok : !oracle[u.owner as keyof typeof oracle](u.data).ok)).length;
        expect(dec.stats.errors).toBe(malformed);
      }),
      { numRuns: 200 },
    );
  });

  it("random protobuf bytes either fail the codec or parse to an event or a typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        let u: SubscribeUpdate;
        try {
          u = SubscribeUpdate.decode(b);
        } catch {
          return; // the codec rejects it before our parser sees it
        }
        const p = parseSubscribeUpdate(u, 0);
        if (!p.ok) expect(p.error._tag).toBe("GeyserDecodeError");
      }),
      { numRuns: 500 },
    );
  });
});
