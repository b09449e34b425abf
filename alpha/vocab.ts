/**
 * The formula vocabulary: features first, then the 12 operators, as upstream (§3.1). Token ids
 * depend on the feature set: operators start right after its last feature. A strategy records
 * `VOCAB_VERSION` and its feature set so stored token ids are never read against another table.
 *
 * Semantics per token row, from the token's first bar to its last: lags (DELAY1, DECAY, MAX3)
 * see 0 before the first bar, never another token or the end of the row (upstream wraps its
 * feature lags around, §17 M7); JUMP's z-score uses a rolling window of `jumpWindow` bars
 * (params.ts) where upstream's whole-row statistics look ahead. A formula has no value where its
 * token has no bar.
 */

/** Bump whenever a feature or operator changes meaning, order or id. */
export const VOCAB_VERSION = "alphagpt-ts/vocab@1";

export type FeatureSetId = "basic" | "extended";
export const FEATURE_SET_IDS: readonly FeatureSetId[] = ["basic", "extended"];

export type FeatureName =
  | "RET"
  | "LIQ_SCORE"
  | "PRESSURE"
  | "FOMO"
  | "DEV"
  | "LOG_VOL"
  | "VOL_CLUSTER"
  | "MOMENTUM_REV"
  | "REL_STRENGTH"
  | "HL_RANGE"
  | "CLOSE_POS"
  | "VOL_TREND";

export interface FeatureInfo {
  readonly name: FeatureName;
  /** One line for `alphagpt formula explain`. */
  readonly meaning: string;
  /** Robust-normalised (rolling median/MAD, clamped to +-5) or raw. */
  readonly normalised: boolean;
}

/** Upstream's basic set (§4.1) then the extended channels (§4.2), in channel order. */
export const FEATURES: readonly FeatureInfo[] = [
  { name: "RET", meaning: "log return of the close over the previous bar", normalised: true },
  { name: "LIQ_SCORE", meaning: "liquidity / FDV health, 4*liq/fdv clamped to [0, 1]", normalised: false },
  { name: "PRESSURE", meaning: "buy/sell pressure: tanh(3*(close-open)/(high-low))", normalised: false },
  { name: "FOMO", meaning: "acceleration of volume growth (change of bar-on-bar volume growth)", normalised: true },
  { name: "DEV", meaning: "deviation of the close from its 20-bar mean (pump/overextension)", normalised: true },
  { name: "LOG_VOL", meaning: "log(1 + volume in USD)", normalised: true },
  { name: "VOL_CLUSTER", meaning: "volatility: root of the 10-bar mean squared log return", normalised: true },
  { name: "MOMENTUM_REV", meaning: "1 when the 5-bar momentum just changed sign, else 0", normalised: false },
  { name: "REL_STRENGTH", meaning: "14-bar RSI rescaled to [-1, 1]", normalised: true },
  { name: "HL_RANGE", meaning: "bar range (high-low)/close", normalised: true },
  { name: "CLOSE_POS", meaning: "where the close sits in the bar's range, 0 at the low, 1 at the high", normalised: false },
  { name: "VOL_TREND", meaning: "bar-on-bar volume growth (v - v_prev)/(v_prev + 1)", normalised: true },
];

const SET_SIZES: Record<FeatureSetId, number> = { basic: 6, extended: 12 };

export type OpName =
  | "ADD"
  | "SUB"
  | "MUL"
  | "DIV"
  | "NEG"
  | "ABS"
  | "SIGN"
  | "GATE"
  | "JUMP"
  | "DECAY"
  | "DELAY1"
  | "MAX3";

export interface OpInfo {
  readonly name: OpName;
  readonly arity: 1 | 2 | 3;
  /** Operands may be swapped without changing the value (used by canonicalisation). */
  readonly commutative: boolean;
  readonly meaning: string;
}

/** Upstream's OPS_CONFIG order (§3.2): operator id = feature count + index here. */
export const OPERATORS: readonly OpInfo[] = [
  { name: "ADD", arity: 2, commutative: true, meaning: "x + y" },
  { name: "SUB", arity: 2, commutative: false, meaning: "x - y" },
  { name: "MUL", arity: 2, commutative: true, meaning: "x * y" },
  { name: "DIV", arity: 2, commutative: false, meaning: "x / (y + eps), eps = 1e-6 with the sign of y" },
  { name: "NEG", arity: 1, commutative: false, meaning: "-x" },
  { name: "ABS", arity: 1, commutative: false, meaning: "|x|" },
  { name: "SIGN", arity: 1, commutative: false, meaning: "sign of x: -1, 0 or +1" },
  { name: "GATE", arity: 3, commutative: false, meaning: "c > 0 ? x : y" },
  { name: "JUMP", arity: 1, commutative: false, meaning: "upside jump: max(0, z - 3), z = rolling z-score of x" },
  { name: "DECAY", arity: 1, commutative: false, meaning: "x + 0.8*x[t-1] + 0.6*x[t-2]" },
  { name: "DELAY1", arity: 1, commutative: false, meaning: "x[t-1] (0 at the first bar)" },
  { name: "MAX3", arity: 1, commutative: false, meaning: "max(x, x[t-1], x[t-2])" },
];

/** Operator index (0..11) by name, for code that switches on operators. */
export const OP = Object.fromEntries(OPERATORS.map((o, i) => [o.name, i])) as Record<OpName, number>;

export interface Vocabulary {
  readonly version: string;
  readonly featureSet: FeatureSetId;
  readonly features: readonly FeatureInfo[];
  /** Equals the number of features: the id of the first operator. */
  readonly opOffset: number;
  readonly size: number;
  /** Token name of each id. */
  readonly names: readonly string[];
  /** Id of each token name (upper case). */
  readonly ids: ReadonlyMap<string, number>;
  /** Stack arity of each id: 0 for features. */
  readonly arity: Uint8Array;
}

const cache = new Map<FeatureSetId, Vocabulary>();

export function vocabulary(featureSet: FeatureSetId = "basic"): Vocabulary {
  const hit = cache.get(featureSet);
  if (hit !== undefined) return hit;
  const features = FEATURES.slice(0, SET_SIZES[featureSet]);
  const names = [...features.map((f) => f.name as string), ...OPERATORS.map((o) => o.name as string)];
  const arity = new Uint8Array(names.length);
  OPERATORS.forEach((o, i) => (arity[features.length + i] = o.arity));
  const v: Vocabulary = {
    version: VOCAB_VERSION,
    featureSet,
    features,
    opOffset: features.length,
    size: names.length,
    names,
    ids: new Map(names.map((n, i) => [n, i])),
    arity,
  };
  cache.set(featureSet, v);
  return v;
}

export function isFeatureSetId(x: unknown): x is FeatureSetId {
  return x === "basic" || x === "extended";
}

export function featureInfo(name: string): FeatureInfo | undefined {
  return FEATURES.find((f) => f.name === name.toUpperCase());
}
