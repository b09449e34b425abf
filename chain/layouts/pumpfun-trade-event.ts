/**
 * pump.fun TradeEvent, emitted as a `Program data: <base64>` log line (solana-wire.md §8).
 * Only the first 129 bytes are decoded: later versions append fields but never move these.
 */
import { hasPrefix, LayoutWriter, pubkeyAt, u64n, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const TRADE_EVENT_DISCRIMINATOR = [189, 219, 127, 211, 78, 230, 97, 238] as const;
export const TRADE_EVENT_LOG_PREFIX = "Program data: vdt/007mYe";
const PROGRAM_DATA = "Program data: ";
export const TRADE_EVENT_CORE_SIZE = 129;

export interface TradeEvent {
  readonly mint: string;
  /** Lamports. */
  readonly solAmount: number;
  /** Token base units. */
  readonly tokenAmount: number;
  readonly isBuy: boolean;
  readonly user: string;
  /** Unix seconds (block time). */
  readonly timestamp: number;
  readonly virtualSolReserves: number;
  readonly virtualTokenReserves: number;
  readonly realSolReserves: number;
  readonly realTokenReserves: number;
}

export function decodeTradeEvent(payload: Uint8Array): Decoded<TradeEvent> {
  const L = "pumpfun.TradeEvent";
  if (payload.length < TRADE_EVENT_CORE_SIZE) return fail(L, "too_short", payload.length, `need ${TRADE_EVENT_CORE_SIZE} bytes`);
  if (!hasPrefix(payload, TRADE_EVENT_DISCRIMINATOR)) return fail(L, "bad_discriminator", payload.length, "not a TradeEvent");
  const flag = payload[56];
  if (flag !== 0 && flag !== 1) return fail(L, "bad_value", payload.length, `is_buy flag ${String(flag)}`);
  const v = view(payload);
  return ok({
    mint: pubkeyAt(payload, 8),
    solAmount: u64n(v, 40),
    tokenAmount: u64n(v, 48),
    isBuy: flag === 1,
    user: pubkeyAt(payload, 57),
    timestamp: Number(v.getBigInt64(89, true)),
    virtualSolReserves: u64n(v, 97),
    virtualTokenReserves: u64n(v, 105),
    realSolReserves: u64n(v, 113),
    realTokenReserves: u64n(v, 121),
  });
}

/** The payload of a TradeEvent log line, or null when the line is something else. */
export function tradeEventPayload(logLine: string): Uint8Array | null {
  if (!logLine.startsWith(TRADE_EVENT_LOG_PREFIX)) return null;
  return Buffer.from(logLine.slice(PROGRAM_DATA.length), "base64");
}

export type TradeEventFields = Omit<TradeEvent, "timestamp"> & { readonly timestamp: number };

/** The original 129-byte event, for test servers that build real transaction logs. */
export function encodeTradeEvent(e: TradeEventFields): Uint8Array {
  return new LayoutWriter(TRADE_EVENT_CORE_SIZE)
    .raw(0, TRADE_EVENT_DISCRIMINATOR)
    .pubkey(8, e.mint)
    .u64(40, e.solAmount)
    .u64(48, e.tokenAmount)
    .u8(56, e.isBuy ? 1 : 0)
    .pubkey(57, e.user)
    .i64(89, e.timestamp)
    .u64(97, e.virtualSolReserves)
    .u64(105, e.virtualTokenReserves)
    .u64(113, e.realSolReserves)
    .u64(121, e.realTokenReserves).bytes;
}

export function tradeEventLogLine(e: TradeEventFields): string {
  return PROGRAM_DATA + Buffer.from(encodeTradeEvent(e)).toString("base64");
}
