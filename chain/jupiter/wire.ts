/**
 * Schemas of Jupiter swap/v1 payloads with the venue's field names (solana-wire.md §3;
 * jup-ag/jupiter-quote-api-node generated models). All amounts are decimal strings.
 */
import { Schema } from "effect";

const Int = Schema.Int;
const NonNegInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));
const U64String = Schema.String.check(Schema.isPattern(/^\d{1,20}$/));
const Base58 = Schema.String.check(Schema.isPattern(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/));
const Base64 = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9+/]+={0,2}$/));
const DecimalString = Schema.String.check(Schema.isPattern(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/));

export const SwapInfo = Schema.Struct({
  ammKey: Base58,
  label: Schema.optionalKey(Schema.String),
  inputMint: Base58,
  outputMint: Base58,
  inAmount: U64String,
  outAmount: U64String,
  // Optional since about Dec 2025 (mvines/rust-jup-ag#23).
  feeAmount: Schema.optionalKey(U64String),
  feeMint: Schema.optionalKey(Base58),
});

export const RoutePlanStep = Schema.Struct({
  swapInfo: SwapInfo,
  percent: Schema.NullOr(Schema.Number),
  bps: Schema.optionalKey(Int),
});

export const QuoteResponse = Schema.Struct({
  inputMint: Base58,
  inAmount: U64String,
  outputMint: Base58,
  outAmount: U64String,
  otherAmountThreshold: U64String,
  swapMode: Schema.Literals(["ExactIn", "ExactOut"]),
  slippageBps: NonNegInt,
  platformFee: Schema.optionalKey(Schema.NullOr(Schema.Unknown)),
  priceImpactPct: DecimalString,
  routePlan: Schema.Array(RoutePlanStep),
  contextSlot: Schema.optionalKey(NonNegInt),
  timeTaken: Schema.optionalKey(Schema.Number),
});

export const SwapResponse = Schema.Struct({
  swapTransaction: Base64,
  lastValidBlockHeight: NonNegInt,
  prioritizationFeeLamports: Schema.optionalKey(NonNegInt),
  computeUnitLimit: Schema.optionalKey(NonNegInt),
  prioritizationType: Schema.optionalKey(Schema.Unknown),
  dynamicSlippageReport: Schema.optionalKey(Schema.NullOr(Schema.Unknown)),
  simulationError: Schema.optionalKey(Schema.NullOr(Schema.Unknown)),
});

export type QuoteResponseWire = typeof QuoteResponse.Type;
export type SwapResponseWire = typeof SwapResponse.Type;

/**
 * POST /swap body. Exactly one of the two priority-fee fields may be set (Jupiter documents them
 * as mutually exclusive; upstream sent both, §17 C6); the compute-unit limit is simulated.
 */
export interface SwapRequestBody {
  readonly quoteResponse: unknown;
  readonly userPublicKey: string;
  readonly wrapAndUnwrapSol: boolean;
  readonly dynamicComputeUnitLimit: boolean;
  readonly prioritizationFeeLamports?:
    | { readonly priorityLevelWithMaxLamports: { readonly priorityLevel: "medium" | "high" | "veryHigh"; readonly maxLamports: number } }
    | { readonly jitoTipLamports: number }
    | number;
  readonly computeUnitPriceMicroLamports?: number;
}
