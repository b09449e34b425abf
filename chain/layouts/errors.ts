/**
 * Account-layout decode failures. A malformed account is an expected input (fuzzed, truncated,
 * a layout we do not know), so decoders return it as a value; callers count and skip it.
 */
import { Schema } from "effect";

export type LayoutName =
  | "pumpfun.BondingCurve"
  | "pumpfun.TradeEvent"
  | "raydium.AmmV4"
  | "raydium.CpmmPoolState"
  | "spl.TokenAccount"
  | "spl.Mint"
  | "pumpswap.Pool";

export type LayoutFailure = "too_short" | "bad_discriminator" | "bad_value" | "zero_reserves";

export class LayoutDecodeError extends Schema.TaggedError<LayoutDecodeError>()("LayoutDecodeError", {
  layout: Schema.String,
  reason: Schema.Literals(["too_short", "bad_discriminator", "bad_value", "zero_reserves"]),
  detail: Schema.String,
  size: Schema.Number,
  /** Bytes do not get better by asking again. */
  retryable: Schema.Boolean,
}) {}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: LayoutDecodeError };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });

export function fail<T>(layout: LayoutName, reason: LayoutFailure, size: number, detail: string): Decoded<T> {
  return { ok: false, error: new LayoutDecodeError({ layout, reason, detail, size, retryable: false }) };
}
