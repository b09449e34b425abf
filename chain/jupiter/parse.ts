/**
 * Decoded Jupiter payloads to domain values. A quote must answer the question asked (same mints
 * and input amount) and buy something (outAmount > 0, threshold <= outAmount); a swap must carry a
 * decodable transaction and no simulation error.
 */
import { excerpt, JupiterDecodeError, JupiterRejectedError, JupiterZeroOutputError } from "./errors.js";
import type { QuoteResponseWire, SwapResponseWire } from "./wire.js";

export interface QuoteRequest {
  readonly inputMint: string;
  readonly outputMint: string;
  /** Raw input units (lamports when selling SOL). */
  readonly amount: bigint;
  readonly slippageBps: number;
}

export interface Quote {
  readonly inputMint: string;
  readonly outputMint: string;
  readonly inAmount: bigint;
  readonly outAmount: bigint;
  /** The least output the swap accepts (outAmount less slippage). */
  readonly minOutAmount: bigint;
  readonly slippageBps: number;
  /** Fraction (Jupiter's `priceImpactPct` is a fraction despite its name). */
  readonly priceImpact: number;
  readonly contextSlot: number | null;
  readonly routeLabels: readonly string[];
  /** The response as received, echoed to /swap unchanged. */
  readonly raw: unknown;
}

export interface SwapBuild {
  /** The unsigned (for our slot) versioned transaction. */
  readonly transaction: Uint8Array;
  readonly lastValidBlockHeight: number;
  readonly prioritizationFeeLamports: number | null;
  readonly computeUnitLimit: number | null;
}

const decodeError = (endpoint: "quote" | "swap", message: string, raw: unknown) =>
  new JupiterDecodeError({ message: `jupiter ${endpoint}: ${message}`, endpoint, excerpt: excerpt(JSON.stringify(raw) ?? ""), retryable: false });

export function parseQuote(req: QuoteRequest, w: QuoteResponseWire, raw: unknown): Quote | JupiterDecodeError | JupiterZeroOutputError {
  if (w.inputMint !== req.inputMint || w.outputMint !== req.outputMint || BigInt(w.inAmount) !== req.amount) {
    return decodeError("quote", `quote is for ${w.inAmount} ${w.inputMint} -> ${w.outputMint}, not what was asked`, raw);
  }
  if (w.swapMode !== "ExactIn") return decodeError("quote", `swapMode ${w.swapMode}, asked ExactIn`, raw);
  const outAmount = BigInt(w.outAmount);
  const minOutAmount = BigInt(w.otherAmountThreshold);
  if (outAmount === 0n) {
    return new JupiterZeroOutputError({ message: `jupiter quote: ${w.inAmount} ${w.inputMint} buys 0 ${w.outputMint}`, inAmount: w.inAmount, retryable: false });
  }
  if (minOutAmount > outAmount) return decodeError("quote", `otherAmountThreshold ${w.otherAmountThreshold} exceeds outAmount ${w.outAmount}`, raw);
  const priceImpact = Number(w.priceImpactPct);
  if (!Number.isFinite(priceImpact)) return decodeError("quote", `priceImpactPct ${w.priceImpactPct} is not a number`, raw);
  return {
    inputMint: w.inputMint,
    outputMint: w.outputMint,
    inAmount: req.amount,
    outAmount,
    minOutAmount,
    slippageBps: w.slippageBps,
    priceImpact,
    contextSlot: w.contextSlot ?? null,
    routeLabels: w.routePlan.map((s) => s.swapInfo.label ?? s.swapInfo.ammKey),
    raw,
  };
}

export function parseSwap(w: SwapResponseWire, raw: unknown): SwapBuild | JupiterDecodeError | JupiterRejectedError {
  if (w.simulationError !== undefined && w.simulationError !== null) {
    return new JupiterRejectedError({
      message: `jupiter swap: simulation failed: ${excerpt(JSON.stringify(w.simulationError) ?? "")}`,
      endpoint: "swap",
      status: 200,
      errorCode: "SIMULATION_ERROR",
      retryable: false,
    });
  }
  const transaction = new Uint8Array(Buffer.from(w.swapTransaction, "base64"));
  // 1 signature count byte + 64 + a message header is far more than this; shorter is garbage.
  if (transaction.length < 100) return decodeError("swap", `swapTransaction is only ${transaction.length} bytes`, raw);
  return {
    transaction,
    lastValidBlockHeight: w.lastValidBlockHeight,
    prioritizationFeeLamports: w.prioritizationFeeLamports ?? null,
    computeUnitLimit: w.computeUnitLimit ?? null,
  };
}
