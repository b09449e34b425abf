/**
 * Entry risk limits. Defaults follow upstream where it had a number (3 positions, 2 SOL
 * entries, ~$5k liquidity) and are conservative where it had none; `runtime/` maps config here.
 */
export interface RiskParams {
  /** Open positions at most (upstream MAX_OPEN_POSITIONS). */
  readonly maxOpenPositions: number;
  /** SOL at cost in one token, including the new entry. */
  readonly maxTokenExposureSol: number;
  /** SOL at cost across all open positions, including the new entry. */
  readonly maxTotalExposureSol: number;
  /** Pool liquidity (both sides, in SOL: 2 x the SOL reserve) at least. */
  readonly minLiquiditySol: number;
  /**
   * Price impact of the actual trade size on the pool, fee excluded (0.02 = 2%). Entries are
   * sized down to it (`entrySize`): a position starts at minus its cost, so an impact near the
   * stop loss would be stopped out by its own entry.
   */
  readonly maxPriceImpact: number;
  /** The smallest entry worth making once sized down to the impact cap (fixed fees dominate below). */
  readonly minEntrySol: number;
  /** Token-2022 transfer fee allowed, in basis points (0: any fee is unsafe). */
  readonly maxTransferFeeBps: number;
  /** Token-2022 extensions (jsonParsed names) that cannot hurt a holder; any other is unsafe. */
  readonly benignExtensions: readonly string[];
  /** No new entry in a token for this long after a position in it closed. */
  readonly cooldownMs: number;
  /** Realized loss in one day (SOL) that switches entries off: reduce-only until the day ends. */
  readonly dailyLossLimitSol: number;
  /** Where the trading day starts, in ms after UTC midnight. */
  readonly dayStartOffsetMs: number;
}

export const DEFAULT_RISK_PARAMS: RiskParams = {
  maxOpenPositions: 3,
  maxTokenExposureSol: 2,
  maxTotalExposureSol: 6,
  // Upstream required $5,000 of liquidity; about 30 SOL at $160.
  minLiquiditySol: 30,
  maxPriceImpact: 0.02,
  minEntrySol: 0.05,
  maxTransferFeeBps: 0,
  benignExtensions: [
    "metadataPointer", "tokenMetadata", "groupPointer", "groupMemberPointer", "tokenGroup",
    "tokenGroupMember", "mintCloseAuthority", "interestBearingConfig", "scaledUiAmountConfig",
    "confidentialTransferMint",
  ],
  cooldownMs: 30 * 60_000,
  dailyLossLimitSol: 2,
  dayStartOffsetMs: 0,
};

export const riskParams = (overrides: Partial<RiskParams> = {}): RiskParams =>
  ({ ...DEFAULT_RISK_PARAMS, ...overrides });
