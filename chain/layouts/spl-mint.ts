/**
 * SPL Mint account (82 bytes; Token-2022 mints add extensions after it): supply and decimals,
 * which price ticks need for FDV, and the controls a holder's safety depends on: the mint and
 * freeze authorities (COption<Pubkey>: u32 tag then 32 bytes, at 0 and 46) and the extensions.
 */
import { LayoutWriter, pubkeyAt, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";
import { ACCOUNT_TYPE_OFFSET, decodeMintExtensions, encodeMintExtension, type MintExtensionState } from "./mint-extensions.js";

export type { MintExtensionState } from "./mint-extensions.js";

export const MINT_SIZE = 82;

export interface MintAccount {
  readonly supply: bigint;
  readonly decimals: number;
  readonly isInitialized: boolean;
}

export interface MintControls {
  readonly mintAuthority: string | null;
  readonly freezeAuthority: string | null;
  readonly extensions: readonly MintExtensionState[];
}

export function decodeMint(data: Uint8Array): Decoded<MintAccount> {
  const L = "spl.Mint";
  if (data.length < MINT_SIZE) return fail(L, "too_short", data.length, `need ${MINT_SIZE} bytes`);
  const decimals = data[44] ?? 0;
  const init = data[45] ?? 0;
  if (decimals > 18 || init > 1) return fail(L, "bad_value", data.length, `decimals ${decimals}, initialized ${init}`);
  return ok({ supply: u64(view(data), 36), decimals, isInitialized: init === 1 });
}

/** A mint's bytes, as opposed to a token account's (165 bytes, or AccountType 2 at 165) under the same program. */
export const isMintData = (data: Uint8Array): boolean =>
  data.length === MINT_SIZE || (data.length > ACCOUNT_TYPE_OFFSET && data[ACCOUNT_TYPE_OFFSET] === 1);

function coptionKey(data: Uint8Array, off: number): string | null | "bad" {
  const tag = view(data).getUint32(off, true);
  return tag === 0 ? null : tag === 1 ? pubkeyAt(data, off + 4) : "bad";
}

/** Authorities and extensions of an initialized mint. */
export function decodeMintControls(data: Uint8Array): Decoded<MintControls> {
  const L = "spl.Mint";
  const base = decodeMint(data);
  if (!base.ok) return base;
  if (!base.value.isInitialized) return fail(L, "bad_value", data.length, "mint not initialized");
  const mintAuthority = coptionKey(data, 0);
  const freezeAuthority = coptionKey(data, 46);
  if (mintAuthority === "bad" || freezeAuthority === "bad") return fail(L, "bad_value", data.length, "authority option tag is neither 0 nor 1");
  if (data.length === MINT_SIZE) return ok({ mintAuthority, freezeAuthority, extensions: [] });
  const ext = decodeMintExtensions(data);
  return ext.ok ? ok({ mintAuthority, freezeAuthority, extensions: ext.value }) : ext;
}

export interface NewMint {
  readonly supply: bigint | number;
  readonly decimals: number;
  readonly mintAuthority?: string | null;
  readonly freezeAuthority?: string | null;
  /** Token-2022 only: the account grows past 165 bytes. */
  readonly extensions?: readonly MintExtensionState[];
}

/** Mint bytes; without authorities (pump.fun renounces them at migration) unless given. */
export function encodeMint(f: NewMint): Uint8Array {
  const w = new LayoutWriter(MINT_SIZE).u64(36, f.supply).u8(44, f.decimals).u8(45, 1);
  if (f.mintAuthority != null) w.u8(0, 1).pubkey(4, f.mintAuthority);
  if (f.freezeAuthority != null) w.u8(46, 1).pubkey(50, f.freezeAuthority);
  if (f.extensions === undefined || f.extensions.length === 0) return w.bytes;
  const tlv = f.extensions.map(encodeMintExtension);
  const out = new Uint8Array(ACCOUNT_TYPE_OFFSET + 1 + tlv.reduce((s, t) => s + t.length, 0));
  out.set(w.bytes, 0);
  out[ACCOUNT_TYPE_OFFSET] = 1;
  let off = ACCOUNT_TYPE_OFFSET + 1;
  for (const t of tlv) {
    out.set(t, off);
    off += t.length;
  }
  return out;
}
