/**
 * The wallet's key pair, loaded from a Solana CLI key file (JSON array of 64 bytes) or a secret
 * string (that JSON array, or base58 of the 64 bytes, as Phantom exports it). The CryptoKey is
 * non-extractable, the raw bytes are zeroed once imported, and no error ever carries key text.
 */
import { readFile } from "node:fs/promises";
import { createKeyPairFromBytes, getAddressFromPublicKey, getBase58Encoder, type Address } from "@solana/kit";
import { Data, Effect } from "effect";

export type KeyPair = Awaited<ReturnType<typeof createKeyPairFromBytes>>;

export interface Wallet {
  readonly address: Address;
  readonly keyPair: KeyPair;
}

export type KeySource = { readonly path: string } | { readonly secret: string };

/** The key could not be read or is not a valid Ed25519 key pair. Never retryable. */
export class SignerKeyError extends Data.TaggedError("SignerKeyError")<{
  readonly message: string;
  readonly source: "file" | "secret" | "bytes";
  readonly retryable: false;
}> {}

const keyError = (source: SignerKeyError["source"], message: string) => new SignerKeyError({ message, source, retryable: false });

/** 64 secret-key bytes from a JSON byte array or a base58 string; null when neither. */
export function parseSecretKey(text: string): Uint8Array | null {
  const t = text.trim();
  if (t.startsWith("[")) {
    try {
      const arr: unknown = JSON.parse(t);
      if (!Array.isArray(arr) || arr.length !== 64 || !arr.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return null;
      return Uint8Array.from(arr as number[]);
    } catch {
      return null;
    }
  }
  try {
    const bytes = new Uint8Array(getBase58Encoder().encode(t));
    return bytes.length === 64 ? bytes : null;
  } catch {
    return null;
  }
}

/** Import 64 bytes (secret ‖ public); kit checks that the halves belong together. Zeroes `bytes`. */
export const walletFromBytes = (bytes: Uint8Array, source: SignerKeyError["source"] = "bytes"): Effect.Effect<Wallet, SignerKeyError> =>
  Effect.tryPromise({
    try: async () => {
      const keyPair = await createKeyPairFromBytes(bytes, false);
      return { keyPair, address: await getAddressFromPublicKey(keyPair.publicKey) };
    },
    catch: () => keyError(source, "not a valid Ed25519 key pair (64 bytes: secret then public key)"),
  }).pipe(Effect.ensuring(Effect.sync(() => bytes.fill(0))));

export const loadWallet = Effect.fn("Signer.loadWallet")(function* (src: KeySource) {
  if ("path" in src) {
    const text = yield* Effect.tryPromise({
      try: () => readFile(src.path, "utf8"),
      catch: (e) => keyError("file", `cannot read key file ${src.path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`),
    });
    const bytes = parseSecretKey(text);
    if (bytes === null) return yield* Effect.fail(keyError("file", `key file ${src.path} is not a JSON array of 64 bytes or base58`));
    return yield* walletFromBytes(bytes, "file");
  }
  const bytes = parseSecretKey(src.secret);
  if (bytes === null) return yield* Effect.fail(keyError("secret", "private key is not a JSON array of 64 bytes or base58"));
  return yield* walletFromBytes(bytes, "secret");
});

/** From the config's `wallet` section: the key file wins over the inline secret. */
export function keySourceFromConfig(wallet: { readonly keypairPath: string; readonly privateKey: string }): KeySource | null {
  if (wallet.keypairPath !== "") return { path: wallet.keypairPath };
  if (wallet.privateKey !== "") return { secret: wallet.privateKey };
  return null;
}
