/** A wire transaction taken apart the way a validator sees it: signatures, keys, blockhash, instructions. */
import {
  getBase58Decoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  type Address,
  type Transaction,
} from "@solana/kit";

export interface DecodedInstruction {
  readonly programId: Address;
  readonly accounts: readonly number[];
  readonly data: Uint8Array;
}

export interface DecodedTx {
  readonly transaction: Transaction;
  /** Base58 signatures in key order; the first is the transaction's id. An unsigned slot is null. */
  readonly signatures: readonly (string | null)[];
  readonly signature: string;
  readonly accountKeys: readonly Address[];
  readonly header: { numSignerAccounts: number; numReadonlySignerAccounts: number; numReadonlyNonSignerAccounts: number };
  readonly recentBlockhash: string;
  readonly instructions: readonly DecodedInstruction[];
  readonly version: "legacy" | 0;
  readonly usesLookupTables: boolean;
}

const ZERO_SIG = "1111111111111111111111111111111111111111111111111111111111111111";

/** Throws on bytes that are not a transaction (the server maps that to -32602). */
export function decodeWireTx(bytes: Uint8Array): DecodedTx {
  const transaction = getTransactionDecoder().decode(bytes);
  const message = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  // v1 messages (SIMD-0385) are not on mainnet yet; the loopback speaks legacy and v0.
  if (message.version === 1) throw new Error("transaction version 1 is not supported");
  const b58 = getBase58Decoder();
  const signatures = Object.values(transaction.signatures).map((s) => (s === null ? null : b58.decode(s)));
  const keys = message.staticAccounts;
  const instructions = message.instructions.map((ix) => {
    const programId = keys[ix.programAddressIndex];
    if (programId === undefined) throw new Error(`program index ${ix.programAddressIndex} out of range`);
    return { programId, accounts: ix.accountIndices ?? [], data: new Uint8Array(ix.data ?? new Uint8Array()) };
  });
  const lookups = "addressTableLookups" in message ? (message.addressTableLookups ?? []) : [];
  return {
    transaction,
    signatures,
    signature: signatures[0] ?? ZERO_SIG,
    accountKeys: keys,
    header: message.header,
    recentBlockhash: message.lifetimeToken,
    instructions,
    version: message.version,
    usesLookupTables: lookups.length > 0,
  };
}

/** Whether account `index` is writable under the message header rules. */
export function isWritable(tx: DecodedTx, index: number): boolean {
  const h = tx.header;
  const n = tx.accountKeys.length;
  if (index < h.numSignerAccounts) return index < h.numSignerAccounts - h.numReadonlySignerAccounts;
  return index < n - h.numReadonlyNonSignerAccounts;
}
