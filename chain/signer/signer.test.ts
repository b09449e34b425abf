import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createKeyPairFromPrivateKeyBytes,
  createTransactionMessage,
  getAddressFromPublicKey,
  getBase58Decoder,
  getBase58Encoder,
  getTransactionDecoder,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  signatureBytes,
  verifySignature,
  type Address,
  type Blockhash,
} from "@solana/kit";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { fixtureJson } from "../../testkit/fixtures/load.js";
import { seededKeyPair } from "../../testkit/jupiter/pools.js";
import { systemTransfer } from "../../testkit/solana-rpc/programs.js";
import { loadWallet, parseSecretKey, walletFromBytes, type Wallet } from "./keypair.js";
import { signVenueTransaction } from "./sign.js";

// A fixed, throwaway test key (Solana CLI format: secret ‖ public).
const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

async function cliKeyBytes(): Promise<Uint8Array> {
  const kp = await createKeyPairFromPrivateKeyBytes(SECRET);
  const pub = getBase58Encoder().encode(await getAddressFromPublicKey(kp.publicKey));
  return Uint8Array.from([...SECRET, ...pub]);
}

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e);
const flip = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(e));

describe("loading the wallet", () => {
  it("reads a Solana CLI key file and a base58 secret to the same address", async () => {
    const bytes = await cliKeyBytes();
    const dir = await mkdtemp(join(tmpdir(), "alphagpt-key-"));
    const path = join(dir, "id.json");
    await writeFile(path, JSON.stringify([...bytes]));
    const fromFile = await run(loadWallet({ path }));
    const fromSecret = await run(loadWallet({ secret: getBase58Decoder().decode(bytes) }));
    expect(fromFile.address).toBe(fromSecret.address);
  });

  it("refuses malformed or mismatched keys without echoing them", async () => {
    const bytes = await cliKeyBytes();
    bytes[40] = (bytes[40] ?? 0) ^ 0xff; // public half no longer matches
    const text = JSON.stringify([...bytes]);
    const e = await flip(loadWallet({ secret: text }));
    expect(e._tag).toBe("SignerKeyError");
    expect(e.message).not.toContain(text.slice(1, 20));
    expect(parseSecretKey("[1,2,3]")).toBeNull();
    expect(parseSecretKey("not base58 0OIl")).toBeNull();
    expect((await flip(loadWallet({ path: "/nonexistent/id.json" }))).message).toMatch(/ENOENT/);
  });

  it("zeroes the secret bytes once imported", async () => {
    const bytes = await cliKeyBytes();
    await run(walletFromBytes(bytes));
    expect(bytes.every((b) => b === 0)).toBe(true);
  });
});

async function twoSignerTx(payer: Address, other: Address): Promise<Uint8Array> {
  const msg = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N" as Blockhash, lastValidBlockHeight: 3090n }, m),
    (m) => appendTransactionMessageInstructions([systemTransfer(payer, other, 1n), systemTransfer(other, payer, 1n)], m),
  );
  return new Uint8Array(getTransactionEncoder().encode(compileTransaction(msg)));
}

describe("signing a venue transaction (upstream §17 C1)", () => {
  const walletOf = async (label: string): Promise<Wallet> => {
    const keyPair = await seededKeyPair(label);
    return { keyPair, address: await getAddressFromPublicKey(keyPair.publicKey) };
  };

  it("signs the v0 message bytes exactly as on the wire, 0x80 prefix included", async () => {
    const me = await walletOf("me");
    const wire = await twoSignerTx(me.address, me.address);
    const signed = await run(signVenueTransaction(me, wire));
    const tx = getTransactionDecoder().decode(signed.signedBytes);
    expect(tx.messageBytes[0]).toBe(0x80);
    const sig = signatureBytes(new Uint8Array(getBase58Encoder().encode(signed.signature)));
    expect(await verifySignature(me.keyPair.publicKey, sig, tx.messageBytes)).toBe(true);
    expect(signed.blockhash).toBe("EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N");
  });

  it("refuses a transaction whose fee payer is not our wallet (the recorded Jupiter swap)", async () => {
    const me = await walletOf("me");
    const { swapTransaction } = fixtureJson<{ swapTransaction: string }>("jupiter/cyhole_post_swap.json");
    const e = await flip(signVenueTransaction(me, new Uint8Array(Buffer.from(swapTransaction, "base64"))));
    expect(e.reason).toBe("not-fee-payer");
  });

  it("refuses one that needs a signature we do not hold, and garbage", async () => {
    const me = await walletOf("me");
    const other = await walletOf("other");
    expect((await flip(signVenueTransaction(me, await twoSignerTx(me.address, other.address)))).reason).toBe("other-signers-missing");
    expect((await flip(signVenueTransaction(me, new Uint8Array([1, 2, 3])))).reason).toBe("undecodable");
  });
});
