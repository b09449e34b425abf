/**
 * A small cluster around one LiteSVM instance: blocks, blockhashes that expire after
 * `blockhashValidity` blocks, commitment levels, and per-signature records with the balance
 * meta real nodes return. LiteSVM executes and verifies every transaction (signatures, SPL Token,
 * fees, AlreadyProcessed); only the block clock is ours, because LiteSVM has no blocks and accepts
 * only its single latest blockhash, so its own blockhash check is off and validity is checked here.
 */
import { createHash } from "node:crypto";
import { getBase58Decoder, lamports as toLamports, type Address } from "@solana/kit";
import { LiteSVM, TransactionMetadata } from "litesvm";
import { snapshotBalances, type BalanceSnapshot } from "./balances.js";
import { computeBudgetOf, COMPUTE_BUDGET_PROGRAM } from "./programs.js";
import { isCommittedFailure, txErrorJson, type TxErrorJson } from "./tx-errors.js";
import { decodeWireTx, type DecodedTx } from "./wire-tx.js";

export interface ChainOptions {
  /** Blocks a blockhash stays usable (mainnet: 150). */
  readonly blockhashValidity?: number;
  /** Blocks on top of a transaction's before it reads "confirmed" / "finalized". */
  readonly confirmDepth?: number;
  readonly finalizeDepth?: number;
  readonly startSlot?: number;
  /** Unix seconds of block 0; block times advance 400 ms per slot. */
  readonly genesisUnixS?: number;
  /** Seeds blockhashes and generated addresses. */
  readonly seed?: number;
  /** Lamports per signature (LiteSVM's default is 5000). */
  readonly lamportsPerSignature?: bigint;
}

export interface TxRecord {
  readonly signature: string;
  readonly slot: number;
  readonly blockTime: number;
  readonly err: TxErrorJson | null;
  readonly fee: bigint;
  readonly pre: BalanceSnapshot;
  readonly post: BalanceSnapshot;
  readonly logs: readonly string[];
  readonly computeUnits: number;
  readonly tx: DecodedTx;
}

export type SubmitResult =
  | { readonly kind: "landed"; readonly record: TxRecord }
  | { readonly kind: "dropped"; readonly signature: string; readonly reason: TxErrorJson }
  | { readonly kind: "alreadyProcessed"; readonly signature: string }
  | { readonly kind: "blockhashNotFound"; readonly signature: string };

export interface SignatureStatus {
  readonly slot: number;
  readonly confirmations: number | null;
  readonly err: TxErrorJson | null;
  readonly confirmationStatus: "processed" | "confirmed" | "finalized";
}

export type BeforeExecute = (tx: DecodedTx) => void;

export class LoopbackChain {
  readonly svm: LiteSVM;
  readonly startSlot: number;
  readonly #validity: number;
  readonly #confirmDepth: number;
  readonly #finalizeDepth: number;
  readonly #genesisUnixS: number;
  readonly #seed: number;
  readonly #lamportsPerSignature: bigint;
  #height = 0;
  #blockhashes = new Map<string, number>();
  #latest = "";
  #records = new Map<string, TxRecord>();
  #hooks = new Set<BeforeExecute>();
  #ticker: NodeJS.Timeout | undefined;
  #counter = 0;

  constructor(opts: ChainOptions = {}) {
    this.#validity = opts.blockhashValidity ?? 150;
    this.#confirmDepth = opts.confirmDepth ?? 1;
    this.#finalizeDepth = opts.finalizeDepth ?? 32;
    this.#genesisUnixS = opts.genesisUnixS ?? 1_700_000_000;
    this.#seed = opts.seed ?? 1;
    this.#lamportsPerSignature = opts.lamportsPerSignature ?? 5000n;
    this.startSlot = opts.startSlot ?? 1000;
    this.svm = new LiteSVM().withBlockhashCheck(false);
    this.#produceBlock();
  }

  get slot(): number {
    return this.startSlot + this.#height;
  }

  get blockHeight(): number {
    return this.#height;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    return { blockhash: this.#latest, lastValidBlockHeight: this.#blockhashes.get(this.#latest) ?? 0 };
  }

  isBlockhashValid(blockhash: string): boolean {
    const lvbh = this.#blockhashes.get(blockhash);
    return lvbh !== undefined && this.#height <= lvbh;
  }

  /** Produce `n` blocks: height and slot advance, a new blockhash is issued, old ones age. */
  advance(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.#height++;
      this.#produceBlock();
    }
  }

  /** Produce a block every `ms` of real time (the "real tick"); `advance` is the virtual one. */
  startTicker(ms: number): void {
    this.stopTicker();
    this.#ticker = setInterval(() => this.advance(1), ms);
    this.#ticker.unref();
  }

  stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  blockTime(slot: number): number {
    return this.#genesisUnixS + Math.floor(((slot - this.startSlot) * 2) / 5);
  }

  /** Runs before each execution (after the age and duplicate checks): e.g. a venue's price guard. */
  onBeforeExecute(hook: BeforeExecute): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /** Execute a wire transaction now, in the current slot, as a leader would. Throws on undecodable bytes. */
  submit(bytes: Uint8Array): SubmitResult {
    const tx = decodeWireTx(bytes);
    const signature = tx.signature;
    if (this.#records.has(signature)) return { kind: "alreadyProcessed", signature };
    if (!this.isBlockhashValid(tx.recentBlockhash)) return { kind: "blockhashNotFound", signature };
    for (const hook of this.#hooks) hook(tx);
    const pre = snapshotBalances(this.svm, tx.accountKeys);
    const res = this.svm.sendTransaction(tx.transaction);
    const post = snapshotBalances(this.svm, tx.accountKeys);
    const meta = res instanceof TransactionMetadata ? res : res.meta();
    const err = res instanceof TransactionMetadata ? null : txErrorJson(res.err());
    if (err === "AlreadyProcessed") return { kind: "alreadyProcessed", signature };
    if (err !== null && !isCommittedFailure(err)) return { kind: "dropped", signature, reason: err };
    const record: TxRecord = {
      signature,
      slot: this.slot,
      blockTime: this.blockTime(this.slot),
      err,
      fee: this.fee(tx),
      pre,
      post,
      logs: meta.logs(),
      computeUnits: Number(meta.computeUnitsConsumed()),
      tx,
    };
    this.#records.set(signature, record);
    return { kind: "landed", record };
  }

  /** What a node's preflight would say, without committing anything. */
  simulate(bytes: Uint8Array): { err: TxErrorJson | null; logs: readonly string[]; unitsConsumed: number } {
    const tx = decodeWireTx(bytes);
    if (this.#records.has(tx.signature)) return { err: "AlreadyProcessed", logs: [], unitsConsumed: 0 };
    if (!this.isBlockhashValid(tx.recentBlockhash)) return { err: "BlockhashNotFound", logs: [], unitsConsumed: 0 };
    const res = this.svm.simulateTransaction(tx.transaction);
    const meta = res.meta();
    const err = "err" in res ? txErrorJson(res.err()) : null;
    return { err, logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()) };
  }

  status(signature: string): SignatureStatus | null {
    const r = this.#records.get(signature);
    if (r === undefined) return null;
    const depth = this.slot - r.slot;
    const confirmationStatus = depth >= this.#finalizeDepth ? "finalized" : depth >= this.#confirmDepth ? "confirmed" : "processed";
    return { slot: r.slot, confirmations: confirmationStatus === "finalized" ? null : depth, err: r.err, confirmationStatus };
  }

  transaction(signature: string): TxRecord | undefined {
    return this.#records.get(signature);
  }

  /** Distinct signatures that landed (committed, with or without err). */
  landedSignatures(): string[] {
    return [...this.#records.keys()];
  }

  /** Network fee as the runtime charges it: per signature plus ceil(price x limit / 1e6). */
  fee(tx: DecodedTx): bigint {
    const budget = computeBudgetOf(tx.instructions);
    const others = tx.instructions.filter((ix) => ix.programId !== COMPUTE_BUDGET_PROGRAM).length;
    const limit = BigInt(budget.unitLimit ?? Math.min(1_400_000, 200_000 * others));
    const priority = (budget.microLamports * limit + 999_999n) / 1_000_000n;
    return this.#lamportsPerSignature * BigInt(tx.header.numSignerAccounts) + priority;
  }

  lamports(address: Address): bigint {
    return this.svm.getBalance(address) ?? 0n;
  }

  /** Give `address` lamports outside any transaction (an airdrop that cannot fail). */
  setLamports(address: Address, lamports: bigint): void {
    const acc = this.svm.getAccount(address);
    const base = acc.exists ? acc : { address, data: new Uint8Array(), executable: false, programAddress: "11111111111111111111111111111111" as Address, space: 0n };
    this.svm.setAccount({ ...base, lamports: toLamports(lamports) });
  }

  /** A fresh address derived from the seed (for mints and pools the test world owns). */
  newAddress(label: string): Address {
    const digest = createHash("sha256").update(`${this.#seed}:${label}:${this.#counter++}`).digest();
    return getBase58Decoder().decode(digest) as Address;
  }

  #produceBlock(): void {
    const digest = createHash("sha256").update(`${this.#seed}:block:${this.#height}`).digest();
    this.#latest = getBase58Decoder().decode(digest);
    this.#blockhashes.set(this.#latest, this.#height + this.#validity);
    this.svm.warpToSlot(BigInt(this.slot));
  }
}
