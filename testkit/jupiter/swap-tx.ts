/**
 * Builds the loopback swap: a real v0 transaction, fee payer the user (signature slot left
 * empty), the pool's side pre-signed by its authority. It moves SOL with System transfers and
 * tokens with TransferChecked (SPL Token or Token-2022), creating the user's token account
 * idempotently on a buy, and carries a per-swap "ticket" signer whose Allocate fails once the
 * pool has moved past the quote's slippage bound (see tickets.ts); a Jito tip, when asked, last.
 */
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  getAddressFromPublicKey,
  getTransactionEncoder,
  partiallySignTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  type Address,
  type Blockhash,
  type Instruction,
} from "@solana/kit";
import {
  createAtaIdempotent,
  findAta,
  setComputeUnitLimit,
  setComputeUnitPrice,
  systemAllocate,
  systemTransfer,
  tokenTransferChecked,
} from "../solana-rpc/programs.js";
import type { KeyPair } from "../../chain/signer/keypair.js";
import type { Pool } from "./pools.js";

export interface SwapPlan {
  readonly pool: Pool;
  readonly side: "buy" | "sell";
  readonly user: Address;
  readonly amountIn: bigint;
  /** Paid by the pool's pre-signed side. */
  readonly amountOut: bigint;
  readonly ticket: KeyPair;
  readonly blockhash: string;
  readonly lastValidBlockHeight: number;
  readonly computeUnitLimit: number;
  readonly microLamports: bigint;
  /** A Jito tip from the user, the last instruction (as Jito asks). */
  readonly tip: { readonly account: Address; readonly lamports: bigint } | null;
}

export async function buildSwapTransaction(plan: SwapPlan): Promise<Uint8Array> {
  const { pool, user } = plan;
  const { mint, program, decimals } = pool.mint;
  const userAta = await findAta(user, mint, program);
  const ticket = await getAddressFromPublicKey(plan.ticket.publicKey);
  const legs: Instruction[] =
    plan.side === "buy"
      ? [
          createAtaIdempotent({ payer: user, ata: userAta, owner: user, mint, program }),
          systemTransfer(user, pool.authorityAddress, plan.amountIn),
          tokenTransferChecked({ program, source: pool.vault, mint, destination: userAta, authority: pool.authorityAddress, amount: plan.amountOut, decimals }),
        ]
      : [
          tokenTransferChecked({ program, source: userAta, mint, destination: pool.vault, authority: user, amount: plan.amountIn, decimals }),
          systemTransfer(pool.authorityAddress, user, plan.amountOut),
        ];
  const budget = [setComputeUnitLimit(plan.computeUnitLimit), ...(plan.microLamports > 0n ? [setComputeUnitPrice(plan.microLamports)] : [])];
  const tip = plan.tip === null ? [] : [systemTransfer(user, plan.tip.account, plan.tip.lamports)];
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(user, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: plan.blockhash as Blockhash, lastValidBlockHeight: BigInt(plan.lastValidBlockHeight) }, m),
    (m) => appendTransactionMessageInstructions([...budget, ...legs, systemAllocate(ticket), ...tip], m),
  );
  const unsigned = compileTransaction(message);
  const signed = await partiallySignTransaction([pool.authority, plan.ticket], unsigned);
  return new Uint8Array(getTransactionEncoder().encode(signed));
}
