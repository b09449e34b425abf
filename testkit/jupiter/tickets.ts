/**
 * The loopback's stand-in for an AMM program's slippage check. No swap program binary can be
 * loaded offline, so each swap carries a fresh "ticket" signer whose zero-byte System Allocate
 * succeeds on an empty account. Right before the chain executes a transaction holding a ticket,
 * the pool's current constant-product output is compared with the quote's threshold; if it falls
 * short, the ticket account is given data, so LiteSVM fails the Allocate with
 * `{"InstructionError":[i,{"Custom":0}]}` (AccountAlreadyInUse): a real on-chain failure, fee
 * charged and every transfer reverted, exactly what a slippage error does to a real swap.
 */
import { lamports, type Address } from "@solana/kit";
import { cpOut } from "../../actors/executor/cpmm.js";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import { SYSTEM_PROGRAM } from "../solana-rpc/programs.js";
import type { LoopbackPools } from "./pools.js";

export interface Ticket {
  readonly address: Address;
  readonly mint: string;
  readonly side: "buy" | "sell";
  readonly amountIn: bigint;
  readonly threshold: bigint;
  readonly blockhash: string;
}

export class SlippageTickets {
  readonly #open = new Map<string, Ticket>();
  readonly #chain: LoopbackChain;
  readonly #pools: LoopbackPools;
  /** Swaps refused at execution because the pool had moved. */
  failed = 0;
  readonly unsubscribe: () => void;

  constructor(chain: LoopbackChain, pools: LoopbackPools) {
    this.#chain = chain;
    this.#pools = pools;
    this.unsubscribe = chain.onBeforeExecute((tx) => {
      for (const key of tx.accountKeys) {
        const t = this.#open.get(key);
        if (t !== undefined) this.#check(t);
      }
    });
  }

  add(ticket: Ticket): void {
    // Tickets whose blockhash has expired can never be checked again.
    for (const [k, t] of this.#open) if (!this.#chain.isBlockhashValid(t.blockhash)) this.#open.delete(k);
    this.#open.set(ticket.address, ticket);
  }

  #check(t: Ticket): void {
    const r = this.#pools.reserves(t.mint);
    if (r === undefined) return;
    const out = t.side === "buy" ? cpOut(r.sol, r.token, t.amountIn, r.feeBps) : cpOut(r.token, r.sol, t.amountIn, r.feeBps);
    if (out >= t.threshold) return;
    this.failed++;
    const rent = this.#chain.svm.minimumBalanceForRentExemption(1n);
    this.#chain.svm.setAccount({ address: t.address, data: new Uint8Array([1]), executable: false, lamports: lamports(rent), programAddress: SYSTEM_PROGRAM, space: 1n });
  }
}
