/** Program ids and well-known mints (solana-wire.md §8, §9). */
export const PUMP_PROGRAM_ID = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
export const PUMPSWAP_PROGRAM_ID = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
export const RAYDIUM_AMM_V4_PROGRAM_ID = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
export const RAYDIUM_CPMM_PROGRAM_ID = "CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C";
/** Owner of every AMM v4 vault. */
export const RAYDIUM_AMM_V4_AUTHORITY = "5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1";
/** Owner of every CPMM vault (PDA "vault_and_lp_mint_auth_seed"). */
export const RAYDIUM_CPMM_AUTHORITY = "GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL";
export const OPENBOOK_PROGRAM_ID = "srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX";
export const TOKEN_PROGRAM_ID = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM_ID = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

export const WSOL_MINT = "So11111111111111111111111111111111111111112";
export const USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
export const USDT_MINT = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB";

/**
 * Quote preference: a pool is priced as "the other token in this quote". Lower rank wins, so a
 * SOL/USDC pool prices SOL in USDC, and a meme/SOL pool prices the meme in SOL.
 */
const QUOTE_RANK: ReadonlyMap<string, number> = new Map([
  [USDC_MINT, 0],
  [USDT_MINT, 1],
  [WSOL_MINT, 2],
]);

export function quoteRank(mint: string): number {
  return QUOTE_RANK.get(mint) ?? Number.POSITIVE_INFINITY;
}

/** pump.fun tokens have 6 decimals; the curve is priced in lamports (9 decimals). */
export const PUMP_TOKEN_DECIMALS = 6;
export const SOL_DECIMALS = 9;

/** Decimals of the well-known quote mints; other mints need their Mint account. */
export function knownDecimals(mint: string): number | undefined {
  if (mint === WSOL_MINT) return SOL_DECIMALS;
  if (mint === USDC_MINT || mint === USDT_MINT) return 6;
  return undefined;
}
