/**
 * The one typed configuration, decoded with Effect Schema. Every upstream constant is a key here
 * with upstream's default (see defaults.ts); keys.ts documents each key and its env variable.
 */
import { Schema } from "effect";

const Fraction = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }));
const Positive = Schema.Number.check(Schema.isGreaterThan(0));
const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0));
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));
const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0));
const Port = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }));
const Bps = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10_000 }));
/** A negative fraction such as -0.05 for a 5% stop. */
const NegativeFraction = Schema.Number.check(Schema.isBetween({ minimum: -1, maximum: 0 }));
/** Empty means "not configured". */
const UrlOrEmpty = Schema.String.check(
  Schema.makeFilter((s: string) => s === "" || /^(https?|wss?|grpcs?):\/\/[^\s]+$/.test(s), {
    expected: "an http(s)/ws(s)/grpc(s) URL or an empty string",
  }),
);
const Interval = Schema.String.check(
  Schema.makeFilter((s: string) => /^\d+(s|m|h|d)$/.test(s), { expected: "an interval such as 60s, 1m, 1h or 1d" }),
);

export const AppConfigSchema = Schema.Struct({
  dataDir: Schema.String.check(Schema.isMinLength(1)),
  mode: Schema.Literals(["paper", "live", "replay"]),
  stopSignalPath: Schema.String,
  log: Schema.Struct({
    level: Schema.Literals(["trace", "debug", "info", "warn", "error", "fatal"]),
  }),
  clickhouse: Schema.Struct({
    url: UrlOrEmpty,
    username: Schema.String,
    password: Schema.String,
    database: Schema.String.check(Schema.isMinLength(1)),
  }),
  writer: Schema.Struct({
    maxBatchRows: PositiveInt,
    maxBatchAgeMs: PositiveInt,
    maxBufferRows: PositiveInt,
    spoolMaxBytes: PositiveInt,
    spoolFullPolicy: Schema.Literals(["block", "reject"]),
  }),
  solana: Schema.Struct({
    rpcUrl: UrlOrEmpty,
    wsUrl: UrlOrEmpty,
    commitment: Schema.Literals(["processed", "confirmed", "finalized"]),
  }),
  geyser: Schema.Struct({ endpoint: UrlOrEmpty, token: Schema.String }),
  birdeye: Schema.Struct({
    baseUrl: UrlOrEmpty,
    apiKey: Schema.String,
    requestsPerSecond: Positive,
    trendingLimit: PositiveInt,
  }),
  dexscreener: Schema.Struct({ baseUrl: UrlOrEmpty, requestsPerMinute: Positive }),
  jupiter: Schema.Struct({ baseUrl: UrlOrEmpty, apiKey: Schema.String }),
  wallet: Schema.Struct({ keypairPath: Schema.String, privateKey: Schema.String }),
  universe: Schema.Struct({
    minLiquidityUsd: NonNegative,
    minFdvUsd: NonNegative,
    /** 0 disables the cap (upstream's +inf). */
    maxFdvUsd: NonNegative,
    historyDays: Positive,
    timeframe: Interval,
    maxTokens: PositiveInt,
    syncIntervalS: PositiveInt,
  }),
  strategy: Schema.Struct({
    file: Schema.String.check(Schema.isMinLength(1)),
    buyThreshold: Fraction,
    sellThreshold: Fraction,
    maxOpenPositions: PositiveInt,
    entryAmountSol: Positive,
    minReserveSol: NonNegative,
    stopLossPct: NegativeFraction,
    takeProfit1Pct: Positive,
    takeProfit1SellFraction: Fraction,
    trailingActivationPct: Positive,
    trailingDropPct: Fraction,
    moonbagTriggerMultiple: Schema.Number.check(Schema.isGreaterThan(1)),
    moonbagTrailingDropPct: Fraction,
    moonbagMaxAgeS: PositiveInt,
    timeLimitS: NonNegativeInt,
  }),
  execution: Schema.Struct({
    quoteSlippageBps: Bps,
    swapSlippageBps: Bps,
    safetyCheckSlippageBps: Bps,
    priorityFeeLamports: NonNegativeInt,
    jitoTipLamports: NonNegativeInt,
    jitoUrl: UrlOrEmpty,
    confirmTimeoutMs: PositiveInt,
    maxSendAttempts: PositiveInt,
  }),
  risk: Schema.Struct({
    minLiquidityUsd: NonNegative,
    maxPriceImpactPct: Fraction,
    minEntrySol: NonNegative,
    maxTokenExposureSol: Positive,
    maxTotalExposureSol: Positive,
    dailyLossLimitSol: Positive,
    cooldownS: NonNegativeInt,
  }),
  alpha: Schema.Struct({
    featureSet: Schema.Literals(["basic", "extended"]),
    normWindow: PositiveInt,
    jumpWindow: PositiveInt,
    interval: Interval,
    maxTokens: PositiveInt,
    trainShare: Fraction,
    validationShare: Fraction,
  }),
  backtest: Schema.Struct({
    swapFeeBps: Bps,
    tradeSizeUsd: Positive,
    minLiquidityUsd: NonNegative,
    swapFee: Fraction,
    solUsd: Positive,
  }),
  training: Schema.Struct({
    backend: Schema.Literals(["auto", "wasm", "cpu", "tensorflow", "webgpu"]),
    batchSize: PositiveInt,
    steps: PositiveInt,
    maxFormulaLen: PositiveInt,
    learningRate: Positive,
    weightDecay: NonNegative,
    lordDecayRate: NonNegative,
    lordIterations: PositiveInt,
    riskSeeking: Fraction,
    eliteSize: NonNegativeInt,
    candidatesPerStep: PositiveInt,
    selectBy: Schema.Literals(["validation", "worst"]),
    rewardMinDays: NonNegative,
    rewardReturns: Schema.Literals(["absolute", "excess"]),
    endBias: NonNegative,
    dModel: PositiveInt,
    layers: PositiveInt,
    loops: PositiveInt,
    heads: PositiveInt,
    ffnHidden: PositiveInt,
    seed: NonNegativeInt,
    retrainIntervalS: NonNegativeInt,
  }),
  replay: Schema.Struct({
    file: Schema.String,
    from: NonNegativeInt,
    to: NonNegativeInt,
    speed: Positive,
  }),
  http: Schema.Struct({ host: Schema.String.check(Schema.isMinLength(1)), port: Port, controlToken: Schema.String }),
});

export type AppConfig = typeof AppConfigSchema.Type;
