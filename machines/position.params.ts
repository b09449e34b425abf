/**
 * Parameters of one position's exit rules. Upstream's constants (§11.1) are the defaults;
 * `runtime/` maps config onto this type. Fractions are signed returns relative to the entry
 * price taken from the buy's fill (cost / quantity), never from a quote.
 */
export interface PositionParams {
  /** Stop loss as a return from entry, negative: -0.05 exits at 95% of the entry price. */
  readonly stopLossPct: number;
  /** First take-profit trigger as a return from entry (0.10 = +10%). */
  readonly tp1Gain: number;
  /** Share of the holding sold at TP1 (0.5 = half). */
  readonly tp1Fraction: number;
  /** After TP1 fills, lift the stop to the entry price (it only ever moves up). */
  readonly breakEvenAfterTp1: boolean;
  /** Peak gain from entry that arms the trailing stop (0.05 = +5%). */
  readonly trailingActivation: number;
  /** Exit once the price falls this share below the peak while trailing (0.03 = 3%). */
  readonly trailingDrop: number;
  /** Price multiple of entry that starts the moonbag (2 = twice the entry price). */
  readonly moonbagMultiple: number;
  /** The moonbag's own, wider trailing drop from its peak (0.25 = 25%). */
  readonly moonbagTrailingDrop: number;
  /** The moonbag's maximum age in ms from its start; null: no limit. */
  readonly moonbagMaxAgeMs: number | null;
  /** AI exit when the score falls below this, per holding state; null disables it there. */
  readonly aiExitBelow: {
    readonly open: number | null;
    readonly trailing: number | null;
    readonly moonbag: number | null;
  };
  /**
   * Time-limit exit in ms from the buy's fill (open and trailing); null: no limit. The actor's
   * timer covers up to 24.8 days (setTimeout's range); `clock.tick` enforces any length.
   */
  readonly maxHoldMs: number | null;
  /** Failed sell attempts of one leg before backing off (exit) or giving up (TP1, moonbag). */
  readonly maxSellRetries: number;
  /** First retry delay after a failed sell; doubles per attempt up to `sellRetryMaxMs`. */
  readonly sellRetryBaseMs: number;
  readonly sellRetryMaxMs: number;
  /** Pause after an exit ran out of retries, or before a failed partial sell may re-trigger. */
  readonly stalledRetryMs: number;
  /** Delay between tries to resolve a send whose outcome is unknown. */
  readonly resolveRetryMs: number;
  /** What is left after a sell is dust (closed) when worth less than this in SOL at the fill's price. */
  readonly dustSol: number;
}

export const DEFAULT_POSITION_PARAMS: PositionParams = {
  stopLossPct: -0.05,
  tp1Gain: 0.1,
  tp1Fraction: 0.5,
  breakEvenAfterTp1: true,
  trailingActivation: 0.05,
  trailingDrop: 0.03,
  moonbagMultiple: 2,
  moonbagTrailingDrop: 0.25,
  moonbagMaxAgeMs: 24 * 3_600_000,
  // Upstream's SELL_THRESHOLD 0.45; the moonbag is meant to run, so no AI exit there.
  aiExitBelow: { open: 0.45, trailing: 0.45, moonbag: null },
  maxHoldMs: 6 * 3_600_000,
  maxSellRetries: 5,
  sellRetryBaseMs: 1_000,
  sellRetryMaxMs: 15_000,
  stalledRetryMs: 30_000,
  resolveRetryMs: 2_000,
  dustSol: 0.001,
};

/** Defaults with overrides; `aiExitBelow` merges per state. */
export function positionParams(
  overrides: Partial<Omit<PositionParams, "aiExitBelow">> & {
    readonly aiExitBelow?: Partial<PositionParams["aiExitBelow"]>;
  } = {},
): PositionParams {
  const { aiExitBelow, ...rest } = overrides;
  return {
    ...DEFAULT_POSITION_PARAMS,
    ...rest,
    aiExitBelow: { ...DEFAULT_POSITION_PARAMS.aiExitBelow, ...aiExitBelow },
  };
}
