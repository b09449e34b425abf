/**
 * Token-2022 mint extensions: after the 82-byte base mint, zero padding to 165 bytes, the
 * AccountType byte (1 = mint) at 165, then TLV entries (u16 type, u16 length, value) from 166
 * (spl-token-2022 `ExtensionType`). Each is named as the RPC's jsonParsed encoding names it, with
 * the fields a holder's safety depends on lifted out.
 */
import { pubkeyAt, pubkeyBytes, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export interface MintExtensionState {
  /** jsonParsed name (`transferFeeConfig`, `permanentDelegate`, ...), or `unknownExtension<N>`. */
  readonly extension: string;
  /** transferFeeConfig: the larger of the older and newer fee (the epoch that picks one is not known here). */
  readonly feeBps?: number;
  /** permanentDelegate: the delegate; transferHook: its program; pausableConfig: its authority. Null when unset. */
  readonly authority?: string | null;
  /** defaultAccountState: the state new token accounts start in. */
  readonly accountState?: "initialized" | "frozen";
  /** pausableConfig: transfers paused now. */
  readonly paused?: boolean;
}

export const ACCOUNT_TYPE_OFFSET = 165;
const TLV_START = 166;
const MINT_ACCOUNT_TYPE = 1;

const NAMES: Readonly<Record<number, string>> = {
  1: "transferFeeConfig", 3: "mintCloseAuthority", 4: "confidentialTransferMint", 6: "defaultAccountState",
  9: "nonTransferable", 10: "interestBearingConfig", 12: "permanentDelegate", 14: "transferHook",
  16: "confidentialTransferFeeConfig", 18: "metadataPointer", 19: "tokenMetadata", 20: "groupPointer", 21: "tokenGroup",
  22: "groupMemberPointer", 23: "tokenGroupMember", 24: "confidentialMintBurn", 25: "scaledUiAmountConfig", 26: "pausableConfig",
};
const TYPES: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(NAMES).map(([t, n]) => [n, Number(t)]));

/** OptionalNonZeroPubkey: all zeros means none. */
const optionalKey = (data: Uint8Array, off: number): string | null => (data.subarray(off, off + 32).every((b) => b === 0) ? null : pubkeyAt(data, off));

function parse(type: number, v: Uint8Array): MintExtensionState | string {
  const extension = NAMES[type] ?? `unknownExtension${type}`;
  const need = (n: number) => (v.length < n ? `${extension}: ${v.length} bytes, need ${n}` : null);
  switch (type) {
    case 1: {
      // authority 32, withdraw authority 32, withheld u64, older {epoch u64, max u64, bps u16}, newer {...}.
      const short = need(108);
      if (short !== null) return short;
      const d = view(v);
      return { extension, feeBps: Math.max(d.getUint16(88, true), d.getUint16(106, true)) };
    }
    case 12:
      return need(32) ?? { extension, authority: optionalKey(v, 0) };
    case 14:
      return need(64) ?? { extension, authority: optionalKey(v, 32) };
    case 6: {
      const state = v[0];
      if (state === undefined || state > 2) return `${extension}: state ${String(state)}`;
      return { extension, accountState: state === 2 ? "frozen" : "initialized" };
    }
    case 26:
      return need(33) ?? { extension, authority: optionalKey(v, 0), paused: v[32] === 1 };
    default:
      return { extension };
  }
}

/** The extensions of a mint account longer than the base 82 bytes. */
export function decodeMintExtensions(data: Uint8Array): Decoded<MintExtensionState[]> {
  const L = "spl.Mint";
  if (data.length < TLV_START || data[ACCOUNT_TYPE_OFFSET] !== MINT_ACCOUNT_TYPE) {
    return fail(L, "bad_value", data.length, `a ${data.length}-byte account is not a Token-2022 mint (account type ${String(data[ACCOUNT_TYPE_OFFSET])})`);
  }
  const d = view(data);
  const out: MintExtensionState[] = [];
  for (let off = TLV_START; off + 4 <= data.length; ) {
    const type = d.getUint16(off, true);
    const len = d.getUint16(off + 2, true);
    if (type === 0) break; // uninitialized space after the last entry
    if (off + 4 + len > data.length) return fail(L, "bad_value", data.length, `extension ${type} at ${off} runs past the account`);
    const e = parse(type, data.subarray(off + 4, off + 4 + len));
    if (typeof e === "string") return fail(L, "bad_value", data.length, e);
    out.push(e);
    off += 4 + len;
  }
  return ok(out);
}

/** TLV bytes of one extension (test worlds build real Token-2022 mints with it). */
export function encodeMintExtension(e: MintExtensionState): Uint8Array {
  const type = TYPES[e.extension];
  if (type === undefined) throw new Error(`cannot encode extension ${e.extension}`);
  const key = (a: string | null | undefined): Uint8Array => (a == null ? new Uint8Array(32) : pubkeyBytes(a));
  let value: Uint8Array;
  switch (type) {
    case 1: {
      value = new Uint8Array(108);
      const v = view(value);
      v.setUint16(88, e.feeBps ?? 0, true);
      v.setBigUint64(80, 2n ** 64n - 1n, true);
      v.setUint16(106, e.feeBps ?? 0, true);
      v.setBigUint64(98, 2n ** 64n - 1n, true);
      break;
    }
    case 12:
    case 3:
    case 18:
      value = key(e.authority);
      break;
    case 14:
      value = new Uint8Array([...new Uint8Array(32), ...key(e.authority)]);
      break;
    case 6:
      value = new Uint8Array([e.accountState === "frozen" ? 2 : 1]);
      break;
    case 26:
      value = new Uint8Array([...key(e.authority), e.paused === true ? 1 : 0]);
      break;
    default:
      value = new Uint8Array(0);
  }
  const out = new Uint8Array(4 + value.length);
  view(out).setUint16(0, type, true);
  view(out).setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}
