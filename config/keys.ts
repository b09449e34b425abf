/**
 * Documentation of every config key: what it means, its environment variable and whether it is a
 * secret. A test keeps this list equal to the keys of the schema, and the README's reference is
 * printed from it (`alphagpt config docs`).
 */
export interface KeyDoc {
  readonly doc: string;
  /** Environment variables that set this key, the canonical one first. */
  readonly env: readonly string[];
  readonly secret?: true;
}

/** `strategy.stopLossPct` → `ALPHAGPT_STRATEGY_STOP_LOSS_PCT`. */
export const envNameFor = (key: string): string =>
  "ALPHAGPT_" + key.replace(/\./g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

type Doc = { doc: string; env?: readonly string[]; secret?: true };
const docs: Record<string, Doc> = {
  dataDir: { doc: "Directory for all state: embedded ClickHouse, journal, strategies, spool.", env: ["ALPHAGPT_DATA_DIR"] },
  mode: { doc: "paper (simulated executor, the default), live (real Jupiter swaps) or replay (the daemon trades on paper over recorded feed events, replay.*)." },
  stopSignalPath: { doc: "Upstream's stop file: its presence with content '', STOP or STOPPED halts entries; cleared on resume.", env: ["ALPHAGPT_STOP_SIGNAL_PATH", "STOP_SIGNAL_PATH"] },
  "log.level": { doc: "Log level: trace, debug, info, warn, error or fatal." },
  "clickhouse.url": { doc: "ClickHouse server URL (http://host:8123). Empty: the embedded engine (chdb) under <dataDir>/clickhouse." },
  "clickhouse.username": { doc: "ClickHouse user (server only)." },
  "clickhouse.password": { doc: "ClickHouse password (server only).", secret: true },
  "clickhouse.database": { doc: "ClickHouse database." },
  "writer.maxBatchRows": { doc: "Batched writer: flush when a table's buffer holds this many rows." },
  "writer.maxBatchAgeMs": { doc: "Batched writer: flush a non-empty buffer at least this often." },
  "writer.maxBufferRows": { doc: "Batched writer: in-memory bound; beyond it rows go to the on-disk spool." },
  "writer.spoolMaxBytes": { doc: "On-disk spool bound while ClickHouse is unreachable." },
  "writer.spoolFullPolicy": { doc: "When the spool is full: block (writers wait, logged loudly) or reject (writes are rejected with SpoolFullError). Never silent loss." },
  "solana.rpcUrl": { doc: "Solana JSON-RPC URL. Empty: the loopback RPC server (LiteSVM) started by the daemon." },
  "solana.wsUrl": { doc: "Solana PubSub WebSocket URL. Empty: derived from rpcUrl, or the loopback server." },
  "solana.commitment": { doc: "Commitment for reads and confirmations." },
  "geyser.endpoint": { doc: "Yellowstone Geyser gRPC endpoint. Empty: the loopback Geyser server streaming the simulated market." },
  "geyser.token": { doc: "Geyser x-token.", secret: true },
  "birdeye.baseUrl": { doc: "Birdeye API base URL." },
  "birdeye.apiKey": { doc: "Birdeye API key (X-API-KEY).", env: ["ALPHAGPT_BIRDEYE_API_KEY", "BIRDEYE_API_KEY"], secret: true },
  "birdeye.requestsPerSecond": { doc: "Token-bucket rate for Birdeye requests." },
  "birdeye.trendingLimit": { doc: "Page size for token_trending (Birdeye caps it at 20); pages with offset." },
  "dexscreener.baseUrl": { doc: "DexScreener API base URL." },
  "dexscreener.requestsPerMinute": { doc: "Token-bucket rate for DexScreener (its public limit is 300/min)." },
  "jupiter.baseUrl": { doc: "Jupiter Swap API base (current: https://api.jup.ag/swap/v1)." },
  "jupiter.apiKey": { doc: "Jupiter API key (x-api-key).", secret: true },
  "wallet.keypairPath": { doc: "Path to a Solana keypair JSON file (64-byte array). Used in live mode.", env: ["ALPHAGPT_KEYPAIR_PATH", "ALPHAGPT_WALLET_KEYPAIR_PATH"] },
  "wallet.privateKey": { doc: "Private key as base58 or a JSON byte array (prefer keypairPath). Never logged.", env: ["ALPHAGPT_WALLET_PRIVATE_KEY", "SOLANA_PRIVATE_KEY"], secret: true },
  "universe.minLiquidityUsd": { doc: "Ingestion filter: minimum pool liquidity in USD (upstream 500,000)." },
  "universe.minFdvUsd": { doc: "Ingestion filter: minimum FDV in USD (upstream 10,000,000)." },
  "universe.maxFdvUsd": { doc: "Ingestion filter: maximum FDV in USD; 0 means no cap (upstream +inf)." },
  "universe.historyDays": { doc: "OHLCV history to backfill, in days (upstream 7)." },
  "universe.timeframe": { doc: "Bar interval for sync, training and scoring (upstream 1m)." },
  "universe.maxTokens": { doc: "Most tokens in the training and scoring universe (upstream 500 / 300)." },
  "universe.syncIntervalS": { doc: "REST re-sync period in seconds (upstream 900)." },
  "strategy.file": { doc: "Strategy file, relative to dataDir unless absolute (upstream name best_meme_strategy.json)." },
  "strategy.buyThreshold": { doc: "Enter when sigmoid(score) exceeds this (upstream 0.85)." },
  "strategy.sellThreshold": { doc: "AI exit when sigmoid(score) falls below this (upstream 0.45)." },
  "strategy.maxOpenPositions": { doc: "Maximum open positions (upstream 3)." },
  "strategy.entryAmountSol": { doc: "SOL spent per entry (upstream 2.0)." },
  "strategy.minReserveSol": { doc: "SOL kept in the wallet beyond an entry for fees (upstream requires 2.1 for a 2.0 entry)." },
  "strategy.stopLossPct": { doc: "Stop loss from the entry price, as a negative fraction (upstream -0.05)." },
  "strategy.takeProfit1Pct": { doc: "First take-profit gain (upstream 0.10)." },
  "strategy.takeProfit1SellFraction": { doc: "Fraction sold at TP1 (upstream 0.5)." },
  "strategy.trailingActivationPct": { doc: "Trailing stop arms once the peak gain exceeds this (upstream 0.05)." },
  "strategy.trailingDropPct": { doc: "Trailing stop exits on this drop from the peak (upstream 0.03)." },
  "strategy.moonbagTriggerMultiple": { doc: "Moonbag trigger as a multiple of the entry price: sell enough to recover the initial cost." },
  "strategy.moonbagTrailingDropPct": { doc: "The moonbag's own, wider trailing drop." },
  "strategy.moonbagMaxAgeS": { doc: "Maximum age of a moonbag before it is sold, in seconds." },
  "strategy.timeLimitS": { doc: "Exit a position after this many seconds; 0 disables." },
  "execution.quoteSlippageBps": { doc: "Slippage for pricing quotes (upstream 200)." },
  "execution.swapSlippageBps": { doc: "Slippage for executed swaps (upstream 500)." },
  "execution.safetyCheckSlippageBps": { doc: "Slippage for the honeypot route check (upstream 1000)." },
  "execution.priorityFeeLamports": { doc: "Priority fee per swap in lamports (also charged by the backtest and paper executor); with a Jito tip the tip replaces it." },
  "execution.jitoTipLamports": { doc: "Jito tip per swap in lamports; 0 sends through RPC only. Above 0 the tip replaces the priority fee in the swap (Jupiter takes one of the two) and the signed swap also goes to execution.jitoUrl." },
  "execution.jitoUrl": { doc: "Jito block engine base URL; with jitoTipLamports above 0 every send of a swap also goes to its /api/v1/transactions (sendTransaction)." },
  "execution.confirmTimeoutMs": { doc: "Upper bound on waiting for a signature status (the blockhash expiry bounds it too)." },
  "execution.maxSendAttempts": { doc: "Attempts per live Jupiter request and RPC read (the first plus maxSendAttempts - 1 retries on 429, 5xx and timeouts, with jittered backoff); 1 never retries. Sends are not retried: the confirm loop resends the same bytes." },
  "risk.minLiquidityUsd": { doc: "Risk gate: minimum liquidity in USD at entry (upstream's hard-coded 5,000)." },
  "risk.maxPriceImpactPct": { doc: "Maximum price impact of an entry (fee excluded): entries are sized down to it in thin pools. Keep it well under -strategy.stopLossPct, since a position starts at minus its cost (it must be below it)." },
  "risk.minEntrySol": { doc: "Smallest entry worth making once sized down to the price-impact cap; a pool that takes less is skipped." },
  "risk.maxTokenExposureSol": { doc: "Risk gate: maximum SOL at cost in one token." },
  "risk.maxTotalExposureSol": { doc: "Risk gate: maximum SOL at cost across positions." },
  "risk.dailyLossLimitSol": { doc: "Realised loss per UTC day after which trading is reduce-only." },
  "risk.cooldownS": { doc: "Seconds before re-entering a token after an exit." },
  "alpha.featureSet": { doc: "Feature set of the formula vocabulary: basic (upstream's 6) or extended (the 12 of upstream §4.2)." },
  "alpha.normWindow": { doc: "Rolling window, in bars, of the causal robust normalisation (median/MAD) of features." },
  "alpha.jumpWindow": { doc: "Rolling window, in bars, of JUMP's z-score." },
  "alpha.interval": { doc: "Bar interval the alpha engine evaluates on (eval, train, scorer)." },
  "alpha.maxTokens": { doc: "Most tokens loaded into a panel (the highest-volume ones)." },
  "alpha.trainShare": { doc: "Share of bars in the training split (purged walk-forward, embargo between splits)." },
  "alpha.validationShare": { doc: "Share of bars in the validation split; the rest is the test split." },
  "backtest.swapFeeBps": { doc: "Our cost model: DEX swap fee per side in bps (plus constant-product impact, priority fee and tip)." },
  "backtest.tradeSizeUsd": { doc: "Upstream reward: notional per trade for its impact term (upstream 1000)." },
  "backtest.minLiquidityUsd": { doc: "Upstream reward: tradable-liquidity gate (upstream 500,000)." },
  "backtest.swapFee": { doc: "Upstream reward: one-way fee fraction (upstream 0.006)." },
  "backtest.solUsd": { doc: "SOL price in USD used to convert lamport fees where no SOL series exists." },
  "training.backend": { doc: "tfjs backend: auto (tensorflow if installed, else wasm), wasm, cpu, tensorflow or webgpu." },
  "training.batchSize": { doc: "Formulas per policy step (upstream 8192)." },
  "training.steps": { doc: "Policy steps per run (upstream 1000)." },
  "training.maxFormulaLen": { doc: "Maximum formula length in tokens (upstream 12)." },
  "training.learningRate": { doc: "AdamW learning rate (upstream 1e-3)." },
  "training.weightDecay": { doc: "AdamW weight decay (upstream 0.01)." },
  "training.lordDecayRate": { doc: "LoRD Newton-Schulz low-rank decay rate on Q and K (upstream 1e-3)." },
  "training.lordIterations": { doc: "LoRD Newton-Schulz iterations (upstream 5)." },
  "training.riskSeeking": { doc: "Risk-seeking policy gradient (Petersen et al., DSR): learn only from each batch's top this share, with its quantile as baseline; 0 is plain REINFORCE with a value baseline." },
  "training.eliteSize": { doc: "Elite replay: the best formulas by train reward so far, up to this many, join every update beside the sampled batch; 0 disables." },
  "training.candidatesPerStep": { doc: "Best-rewarded new formulas per step sent to the validation split, where the pool (and the strategy) is chosen." },
  "training.selectBy": { doc: "What ranks the validated pool, and so picks the strategy: validation (the validation score) or worst (the lower of train reward and validation score: a formula is only as good as its worse period; both are the same Sharpe while the splits are shorter than rewardMinDays)." },
  "training.rewardMinDays": { doc: "Fewest days a split must span for the trainer's reward and validation score to be its daily Sharpe; shorter splits use the hourly Sharpe (the alpha engine's own default is 5)." },
  "training.rewardReturns": { doc: "Returns the train reward is measured on: absolute (what trading earns, as validation and test) or excess (each held bar's return less the equal-weight market's, so holding everything earns only costs and the split's drift cannot be learned as a signal). See bench/planted-search.bench.ts for when each trained better." },
  "training.endBias": { doc: "Initial logit of END in the policy's output heads. At 0 the first policy writes maxFormulaLen tokens most of the time (END is allowed only once the stack holds one value), where random search draws lengths uniformly; 1.5 starts it on shorter formulas (on the e2e market: training seeds 1-24, 39 of 72 wins against equal-budget random search, 29 of 72 at 0)." },
  "training.dModel": { doc: "Model width (upstream 64)." },
  "training.layers": { doc: "Distinct transformer layers (upstream 2)." },
  "training.loops": { doc: "Times each layer is applied (upstream 3)." },
  "training.heads": { doc: "Attention heads (upstream 4)." },
  "training.ffnHidden": { doc: "SwiGLU hidden width (upstream 128)." },
  "training.seed": { doc: "Seed for sampling, initialisation and data splits." },
  "training.retrainIntervalS": { doc: "Daemon retraining period in seconds; 0 disables." },
  "replay.file": { doc: "mode replay: a recording of feed_events to replay (JSONL or binary, as alphagpt backtest --events reads); empty: the feed_events table in ClickHouse." },
  "replay.from": { doc: "mode replay: first recorded event time, unix seconds (inclusive); 0: from the first." },
  "replay.to": { doc: "mode replay: end of the replay, unix seconds (exclusive); 0: to the last recorded event." },
  "replay.speed": { doc: "mode replay: recorded seconds per wall second (60: a recorded minute a second)." },
  "http.host": { doc: "Control API bind address (loopback by default; binding elsewhere is logged as a warning)." },
  "http.port": { doc: "Control API and dashboard port.", env: ["ALPHAGPT_HTTP_PORT"] },
  "http.controlToken": { doc: "Bearer token for the control API; empty: a random one is generated and printed at start.", env: ["ALPHAGPT_CONTROL_TOKEN", "ALPHAGPT_HTTP_CONTROL_TOKEN"], secret: true },
};

export const keyDocs: Readonly<Record<string, KeyDoc>> = Object.fromEntries(
  Object.entries(docs).map(([key, d]) => {
    const base: KeyDoc = { doc: d.doc, env: d.env ?? [envNameFor(key)] };
    return [key, d.secret ? { ...base, secret: true } : base];
  }),
);

export const secretKeys: readonly string[] = Object.entries(keyDocs)
  .filter(([, d]) => d.secret)
  .map(([k]) => k);
