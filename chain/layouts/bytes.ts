/**
 * Little-endian byte access and base58 pubkeys for account layouts. Pubkey strings are cached:
 * the same pools and vaults update thousands of times a second and base58 costs ~5 µs a key.
 */
import { getBase58Decoder, getBase58Encoder } from "@solana/kit";

const b58Decoder = getBase58Decoder();
const b58Encoder = getBase58Encoder();

export function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

export const u64 = (v: DataView, off: number): bigint => v.getBigUint64(off, true);
export const i64 = (v: DataView, off: number): bigint => v.getBigInt64(off, true);

/** A u64 as a JS number: exact below 2^53, which holds for every reserve we price. */
export const u64n = (v: DataView, off: number): number => v.getUint32(off, true) + v.getUint32(off + 4, true) * 4294967296;

const CACHE_MAX = 65_536;
interface Cached {
  readonly bytes: Uint8Array;
  readonly text: string;
}
/** Keyed by the key's first 6 bytes (a number, no allocation per lookup), checked against all 32. */
const cache = new Map<number, Cached>();

const sameKey = (a: Uint8Array, data: Uint8Array, off: number): boolean => {
  for (let i = 0; i < 32; i++) if (a[i] !== data[off + i]) return false;
  return true;
};

/** Base58 of the 32 bytes at `off`. */
export function pubkeyAt(data: Uint8Array, off: number): string {
  const key = data[off]! + data[off + 1]! * 0x100 + data[off + 2]! * 0x10000 + data[off + 3]! * 0x1000000 + data[off + 4]! * 0x100000000 + data[off + 5]! * 0x10000000000;
  const hit = cache.get(key);
  if (hit !== undefined && sameKey(hit.bytes, data, off)) return hit.text;
  const bytes = data.slice(off, off + 32);
  const text = b58Decoder.decode(bytes);
  // Bounded: a flood of new keys resets the cache instead of growing it. Two keys sharing their
  // first 6 bytes (about 1 in 2^48) only take turns in the slot.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { bytes, text });
  return text;
}

export function pubkeyString(bytes: Uint8Array): string {
  return bytes.length === 32 ? pubkeyAt(bytes, 0) : b58Decoder.decode(bytes);
}

const bytesCache = new Map<string, Uint8Array>();

/** The 32 bytes of a base58 pubkey (cached; callers must not mutate the result). */
export function pubkeyBytes(address: string): Uint8Array {
  let b = bytesCache.get(address);
  if (b === undefined) {
    b = new Uint8Array(b58Encoder.encode(address));
    if (b.length !== 32) throw new RangeError(`not a 32-byte pubkey: ${address}`);
    if (bytesCache.size >= CACHE_MAX) bytesCache.clear();
    bytesCache.set(address, b);
  }
  return b;
}

export function base58(bytes: Uint8Array): string {
  return b58Decoder.decode(bytes);
}

export function fromBase58(text: string): Uint8Array {
  return new Uint8Array(b58Encoder.encode(text));
}

export function hasPrefix(data: Uint8Array, prefix: readonly number[]): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/** Fixed-size writer used by the encoders (test servers build real account bytes with them). */
export class LayoutWriter {
  readonly bytes: Uint8Array;
  readonly #v: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.#v = view(this.bytes);
  }
  u8(off: number, x: number): this {
    this.#v.setUint8(off, x);
    return this;
  }
  u64(off: number, x: bigint | number): this {
    this.#v.setBigUint64(off, BigInt(x), true);
    return this;
  }
  i64(off: number, x: bigint | number): this {
    this.#v.setBigInt64(off, BigInt(x), true);
    return this;
  }
  raw(off: number, b: readonly number[] | Uint8Array): this {
    this.bytes.set(b, off);
    return this;
  }
  pubkey(off: number, address: string): this {
    this.bytes.set(pubkeyBytes(address), off);
    return this;
  }
}
