/**
 * POST /swap/v1/swap as a plain function: checks the body like the real API, prices the swap on
 * the pool as it is now, and returns the base64 v0 transaction with the blockhash's
 * lastValidBlockHeight. `prioritizationFeeLamports: { jitoTipLamports }` adds a SOL transfer to
 * a Jito tip account as the last instruction, in place of a compute-unit price.
 */
import { generateKeyPair, getAddressFromPublicKey, isAddress, type Address } from "@solana/kit";
import { cpQuote } from "../../actors/executor/cpmm.js";
import { ensureTipAccounts, JITO_TIP_ACCOUNTS } from "../jito/tip-accounts.js";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import type { LoopbackPools } from "./pools.js";
import { findRoute, JupiterHttpError } from "./quote.js";
import { buildSwapTransaction } from "./swap-tx.js";
import type { SlippageTickets } from "./tickets.js";

/** What `dynamicComputeUnitLimit` "measures" for the loopback swap (it uses well under this). */
const DYNAMIC_CU_LIMIT = 120_000;
const DEFAULT_CU_LIMIT = 1_400_000;
/** "auto" priority: a fixed budget in lamports. */
const AUTO_PRIORITY_LAMPORTS = 10_000n;
const LEVEL_SHARE: Record<string, bigint> = { medium: 25n, high: 50n, veryHigh: 100n };

export interface SwapResult {
  readonly body: Record<string, unknown>;
  readonly side: "buy" | "sell";
  readonly mint: string;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
}

const invalid = (message: string) => new JupiterHttpError(400, "INVALID_REQUEST", message);

/** The request's single fee field: a compute-unit price (micro-lamports per CU), or a Jito tip (lamports). */
function priorityOf(body: Record<string, unknown>, cuLimit: number): { microLamports: bigint; tipLamports: bigint } {
  const fee = body["prioritizationFeeLamports"];
  if (typeof fee === "object" && fee !== null && "jitoTipLamports" in fee) {
    const tip = (fee as { jitoTipLamports: unknown }).jitoTipLamports;
    if (typeof tip !== "number" || !Number.isInteger(tip) || tip < 0) throw invalid("invalid jitoTipLamports");
    if (body["computeUnitPriceMicroLamports"] !== undefined) throw invalid("computeUnitPriceMicroLamports and prioritizationFeeLamports are mutually exclusive");
    return { microLamports: 0n, tipLamports: BigInt(tip) };
  }
  return { microLamports: priorityMicroLamports(body, cuLimit), tipLamports: 0n };
}

function priorityMicroLamports(body: Record<string, unknown>, cuLimit: number): bigint {
  const price = body["computeUnitPriceMicroLamports"];
  const fee = body["prioritizationFeeLamports"];
  if (price !== undefined && fee !== undefined) {
    throw invalid("computeUnitPriceMicroLamports and prioritizationFeeLamports are mutually exclusive");
  }
  const perCu = (lamports: bigint) => (lamports * 1_000_000n) / BigInt(cuLimit);
  if (typeof price === "number" && Number.isInteger(price) && price >= 0) return BigInt(price);
  if (price === "auto" || fee === "auto") return perCu(AUTO_PRIORITY_LAMPORTS);
  if (typeof fee === "number" && Number.isInteger(fee) && fee >= 0) return perCu(BigInt(fee));
  if (typeof fee === "object" && fee !== null && "priorityLevelWithMaxLamports" in fee) {
    const p = (fee as { priorityLevelWithMaxLamports: { maxLamports?: unknown; priorityLevel?: unknown } }).priorityLevelWithMaxLamports;
    const share = LEVEL_SHARE[String(p.priorityLevel)];
    if (typeof p.maxLamports !== "number" || share === undefined) throw invalid("invalid priorityLevelWithMaxLamports");
    return perCu((BigInt(Math.floor(p.maxLamports)) * share) / 100n);
  }
  if (price !== undefined || fee !== undefined) throw invalid("unsupported priority fee setting");
  return 0n;
}

export async function buildSwap(chain: LoopbackChain, pools: LoopbackPools, tickets: SlippageTickets, raw: unknown): Promise<SwapResult> {
  if (typeof raw !== "object" || raw === null) throw invalid("body must be a JSON object");
  const body = raw as Record<string, unknown>;
  const quote = body["quoteResponse"] as Record<string, unknown> | undefined;
  const user = body["userPublicKey"];
  if (typeof user !== "string" || !isAddress(user)) throw invalid("userPublicKey must be a base58 address");
  if (typeof quote !== "object" || quote === null) throw invalid("quoteResponse is required");
  const { inputMint, outputMint, inAmount, otherAmountThreshold } = quote;
  if (typeof inputMint !== "string" || typeof outputMint !== "string" || typeof inAmount !== "string" || typeof otherAmountThreshold !== "string") {
    throw invalid("quoteResponse is not a quote");
  }
  if (!/^\d+$/.test(inAmount) || !/^\d+$/.test(otherAmountThreshold)) throw invalid("quote amounts must be integer strings");
  const { pool, side } = findRoute(pools, inputMint, outputMint);
  const cuLimit = body["dynamicComputeUnitLimit"] === true ? DYNAMIC_CU_LIMIT : DEFAULT_CU_LIMIT;
  const { microLamports, tipLamports } = priorityOf(body, cuLimit);
  const reserves = pools.reserves(pool.mint.mint);
  if (reserves === undefined) throw invalid("pool vanished");
  const amountIn = BigInt(inAmount);
  // The pool pays what it would pay now; the ticket re-checks the quote's bound at execution.
  const amountOut = cpQuote(reserves, side, amountIn).amountOut;
  const ticket = await generateKeyPair();
  const ticketAddress: Address = await getAddressFromPublicKey(ticket.publicKey);
  const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
  let tip: { account: Address; lamports: bigint } | null = null;
  if (tipLamports > 0n) {
    ensureTipAccounts(chain);
    // One of the eight at random, as Jito advises (the ticket's key is random).
    tip = { account: JITO_TIP_ACCOUNTS[ticketAddress.charCodeAt(0) % JITO_TIP_ACCOUNTS.length] as Address, lamports: tipLamports };
  }
  const bytes = await buildSwapTransaction({
    pool, side, user, amountIn, amountOut, ticket, blockhash, lastValidBlockHeight, computeUnitLimit: cuLimit, microLamports, tip,
  });
  tickets.add({ address: ticketAddress, mint: pool.mint.mint, side, amountIn, threshold: BigInt(otherAmountThreshold), blockhash });
  const priorityLamports = tipLamports > 0n ? tipLamports : (microLamports * BigInt(cuLimit) + 999_999n) / 1_000_000n;
  return {
    side,
    mint: pool.mint.mint,
    amountIn,
    amountOut,
    body: {
      swapTransaction: Buffer.from(bytes).toString("base64"),
      lastValidBlockHeight,
      prioritizationFeeLamports: Number(priorityLamports),
      computeUnitLimit: cuLimit,
      prioritizationType:
        tipLamports > 0n
          ? { jito: Number(tipLamports) }
          : { computeBudget: { microLamports: Number(microLamports), estimatedMicroLamports: Number(microLamports) } },
      dynamicSlippageReport: null,
      simulationError: null,
    },
  };
}
