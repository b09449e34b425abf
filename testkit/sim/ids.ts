/**
 * Deterministic, base58-looking identifiers: mints, pools, trader wallets and transaction
 * signatures. They look like the real thing (alphabet and length) but are not real keys or
 * signatures: each is a pure function of the run's seed and a few integers, so a seed reproduces
 * them, and distinct inputs give distinct strings (a 128-bit sfc32 state per identifier).
 */
import type { Rng } from "../../core/random.js";
import { randInt } from "../../core/random.js";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Reused buffer for the characters of one identifier (building strings char by char makes ropes). */
const SCRATCH = new Uint8Array(128);

/** Identifier domains, so that e.g. pool #3 and trader #3 differ. */
export const ID_DOMAIN = {
  mint: 1,
  curve: 2,
  pool: 3,
  trader: 4,
  creator: 5,
  signature: 6,
} as const;

/** 32-bit hash of a seed (murmur3 finaliser). */
export function hashSeed(seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `length` base58 characters (then `suffix`) from an sfc32 stream whose state is
 * `(seedHash, domain, a, b)`. The first character is never '1' (that would be a zero byte).
 */
export function base58Id(seedHash: number, domain: number, a: number, b: number, length: number, suffix = ""): string {
  let s0 = seedHash >>> 0;
  let s1 = (domain * 0x01000193) >>> 0;
  let s2 = a >>> 0;
  let s3 = b >>> 0;
  const n = length - suffix.length;
  const codes = n <= SCRATCH.length ? SCRATCH.subarray(0, n) : new Uint8Array(n);
  for (let i = -8; i < n; i++) {
    const t = (((s0 + s1) >>> 0) + s3) >>> 0;
    s3 = (s3 + 1) >>> 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) >>> 0;
    s2 = (s2 << 21) | (s2 >>> 11);
    s2 = (s2 + t) >>> 0;
    if (i >= 0) codes[i] = CODES[i === 0 ? 1 + (t % 57) : t % 58] as number;
  }
  return String.fromCharCode.apply(null, codes as unknown as number[]) + suffix;
}

/** A 44-character public key (wallet, pool, bonding curve). */
export function addressFor(seedHash: number, domain: number, index: number): string {
  return base58Id(seedHash, domain, index, 0x2c, 44);
}

/** A pump.fun-style mint: 44 characters ending in the vanity suffix "pump". */
export function mintFor(seedHash: number, index: number): string {
  return base58Id(seedHash, ID_DOMAIN.mint, index, 0x70756d70, 44, "pump");
}

/** An 88-character transaction signature for the `counter`-th event of token `tokenIndex`. */
export function signatureFor(seedHash: number, tokenIndex: number, counter: number): string {
  return base58Id(seedHash, ID_DOMAIN.signature, tokenIndex, counter, 88);
}

const WORDS = [
  "PEPE", "DOGE", "CAT", "MOON", "FROG", "WIF", "BONK", "CHAD", "GIGA", "BASED", "ELON", "SHIB",
  "APE", "BOBO", "WOJAK", "MEW", "GOAT", "PNUT", "HAMSTER", "RETARDIO", "FART", "TURBO", "SIGMA",
  "BRETT", "ANDY", "LANDWOLF", "POPCAT", "MOODENG", "CHILL", "GUY", "SOL", "GME", "TREMP", "BODEN",
];

/** A meme symbol and name, e.g. `MOONCAT` / `Moon Cat 42`. */
export function memeName(rng: Rng, index: number): { readonly symbol: string; readonly name: string } {
  const a = WORDS[randInt(rng, WORDS.length)] ?? "PEPE";
  const b = WORDS[randInt(rng, WORDS.length)] ?? "MOON";
  const title = (w: string): string => w.charAt(0) + w.slice(1).toLowerCase();
  return { symbol: (a + b).slice(0, 10), name: `${title(a)} ${title(b)} ${index}` };
}

/** 32-bit hash of two integers, e.g. a per-token seed from the run's seed hash and the token index. */
export function mix32Pair(a: number, b: number): number {
  return hashSeed((hashSeed(a) + Math.imul(b + 1, 0x27d4eb2f)) | 0);
}
