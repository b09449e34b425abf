/** SPL Mint account (82 bytes): supply and decimals, which price ticks need for FDV. */
import { LayoutWriter, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const MINT_SIZE = 82;

export interface MintAccount {
  readonly supply: bigint;
  readonly decimals: number;
  readonly isInitialized: boolean;
}

export function decodeMint(data: Uint8Array): Decoded<MintAccount> {
  const L = "spl.Mint";
  if (data.length < MINT_SIZE) return fail(L, "too_short", data.length, `need ${MINT_SIZE} bytes`);
  const decimals = data[44] ?? 0;
  const init = data[45] ?? 0;
  if (decimals > 18 || init > 1) return fail(L, "bad_value", data.length, `decimals ${decimals}, initialized ${init}`);
  return ok({ supply: u64(view(data), 36), decimals, isInitialized: init === 1 });
}

/** A mint with no authorities (pump.fun renounces them at migration). */
export function encodeMint(f: { supply: bigint | number; decimals: number }): Uint8Array {
  return new LayoutWriter(MINT_SIZE).u64(36, f.supply).u8(44, f.decimals).u8(45, 1).bytes;
}
