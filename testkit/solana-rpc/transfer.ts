/** A signed System transfer for tests of the RPC server and the confirm loop (no venue needed). */
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  getAddressFromPublicKey,
  getSignatureFromTransaction,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransaction,
  type Address,
  type Blockhash,
} from "@solana/kit";
import type { KeyPair } from "../../chain/signer/keypair.js";
import { systemTransfer } from "./programs.js";

export async function signedTransfer(p: {
  from: KeyPair;
  to: Address;
  lamports: bigint;
  blockhash: string;
  lastValidBlockHeight: number;
}): Promise<{ bytes: Uint8Array; signature: string }> {
  const from = await getAddressFromPublicKey(p.from.publicKey);
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(from, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: p.blockhash as Blockhash, lastValidBlockHeight: BigInt(p.lastValidBlockHeight) }, m),
    (m) => appendTransactionMessageInstructions([systemTransfer(from, p.to, p.lamports)], m),
  );
  const tx = await signTransaction([p.from], compileTransaction(message));
  return { bytes: new Uint8Array(getTransactionEncoder().encode(tx)), signature: getSignatureFromTransaction(tx) };
}
