/**
 * SPL token account (165 bytes; solana-wire.md §9.3). Token-2022 accounts carry extensions after
 * byte 165, so longer accounts are accepted and only the base fields read.
 */
import { LayoutWriter, pubkeyAt, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const TOKEN_ACCOUNT_SIZE = 165;

export interface TokenAccount {
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  /** 0 uninitialized, 1 initialized, 2 frozen. */
  readonly state: number;
}

export function decodeTokenAccount(data: Uint8Array): Decoded<TokenAccount> {
  const L = "spl.TokenAccount";
  if (data.length < TOKEN_ACCOUNT_SIZE) return fail(L, "too_short", data.length, `need ${TOKEN_ACCOUNT_SIZE} bytes`);
  const state = data[108] ?? 0;
  if (state > 2) return fail(L, "bad_value", data.length, `state ${state}`);
  return ok({ mint: pubkeyAt(data, 0), owner: pubkeyAt(data, 32), amount: u64(view(data), 64), state });
}

/** Hot path: just the amount, when the caller already knows which vault this is. */
export function decodeTokenAmount(data: Uint8Array): Decoded<bigint> {
  if (data.length < TOKEN_ACCOUNT_SIZE) return fail("spl.TokenAccount", "too_short", data.length, `need ${TOKEN_ACCOUNT_SIZE} bytes`);
  const state = data[108] ?? 0;
  if (state > 2) return fail("spl.TokenAccount", "bad_value", data.length, `state ${state}`);
  return ok(u64(view(data), 64));
}

export function encodeTokenAccount(f: { mint: string; owner: string; amount: bigint | number }): Uint8Array {
  return new LayoutWriter(TOKEN_ACCOUNT_SIZE).pubkey(0, f.mint).pubkey(32, f.owner).u64(64, f.amount).u8(108, 1).bytes;
}
