/**
 * Real on-chain constants of the venues the simulated market imitates
 * (`shared/reference/solana-wire.md` §8 pump.fun and PumpSwap, §9 Raydium). Amounts are in base
 * units: lamports for SOL, raw units (6 decimals) for tokens. All fit in a double exactly.
 */

export const LAMPORTS_PER_SOL = 1_000_000_000;
export const TOKEN_DECIMALS = 6;
/** Raw units per whole token. */
export const TOKEN_UNIT = 1_000_000;
/** Every simulated token has pump.fun's supply: 1e9 tokens, 6 decimals. */
export const TOKEN_TOTAL_SUPPLY = 1_000_000_000_000_000;

/** pump.fun Global initial virtual token reserves (1,073,000,000 tokens). */
export const PUMP_INITIAL_VIRTUAL_TOKEN = 1_073_000_000_000_000;
/** pump.fun Global initial virtual SOL reserves (30 SOL). */
export const PUMP_INITIAL_VIRTUAL_SOL = 30_000_000_000;
/** pump.fun Global initial real token reserves (793,100,000 tokens): sold off the curve before it completes. */
export const PUMP_INITIAL_REAL_TOKEN = 793_100_000_000_000;
/** Tokens left over when the curve completes, deposited into the PumpSwap pool (206,900,000). */
export const PUMP_MIGRATION_TOKEN = TOKEN_TOTAL_SUPPLY - PUMP_INITIAL_REAL_TOKEN;
/** pump.fun trade fee, charged on top of buys and out of sells (about 1%). */
export const PUMP_FEE_BPS = 100;

/** PumpSwap: 0.20% to liquidity providers (stays in the pool) plus 0.05% protocol (leaves it). */
export const PUMPSWAP_LP_FEE_BPS = 20;
export const PUMPSWAP_PROTOCOL_FEE_BPS = 5;
/** Raydium AMM v4 / CPMM 0.25% tier: 0.22% to the pool, 0.03% protocol. */
export const RAYDIUM_LP_FEE_BPS = 22;
export const RAYDIUM_PROTOCOL_FEE_BPS = 3;

/** Solana's target slot time. */
export const SLOT_MS = 400;

export const PUMP_PROGRAM_ID = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
export const PUMPSWAP_PROGRAM_ID = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
export const RAYDIUM_CPMM_PROGRAM_ID = "CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C";
