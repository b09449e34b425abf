/**
 * The pump.fun bonding curve: constant product on virtual reserves, integer base units, the
 * program's rounding (outputs floored), 1% fee outside the reserves. Completes when the real token
 * reserves reach zero, at about 85 real SOL.
 */
import {
  PUMP_FEE_BPS,
  PUMP_INITIAL_REAL_TOKEN,
  PUMP_INITIAL_VIRTUAL_SOL,
  PUMP_INITIAL_VIRTUAL_TOKEN,
  TOKEN_TOTAL_SUPPLY,
  TOKEN_UNIT,
  LAMPORTS_PER_SOL,
} from "./constants.js";

export interface CurveState {
  virtualSol: number;
  virtualToken: number;
  realSol: number;
  realToken: number;
  readonly tokenTotalSupply: number;
  complete: boolean;
}

/** One swap's amounts. `sol` moved into (buy) or out of (sell) the reserves, before the fee. */
export interface Fill {
  readonly sol: number;
  readonly tokens: number;
  /** Fee in lamports: paid on top of `sol` for a buy, taken out of `sol` for a sell. */
  readonly fee: number;
}

export function newCurve(): CurveState {
  return {
    virtualSol: PUMP_INITIAL_VIRTUAL_SOL,
    virtualToken: PUMP_INITIAL_VIRTUAL_TOKEN,
    realSol: 0,
    realToken: PUMP_INITIAL_REAL_TOKEN,
    tokenTotalSupply: TOKEN_TOTAL_SUPPLY,
    complete: false,
  };
}

/** Spot price in SOL per whole token: (vSol/1e9)/(vTok/1e6). */
export function curvePrice(c: CurveState): number {
  return (c.virtualSol / LAMPORTS_PER_SOL) / (c.virtualToken / TOKEN_UNIT);
}

/** Tokens sold off the curve so far (held by traders). */
export function curveCirculating(c: CurveState): number {
  return PUMP_INITIAL_REAL_TOKEN - c.realToken;
}

/**
 * Buy with a budget of `spend` lamports, fee included. The last buy is capped at the remaining
 * real tokens and charged the exact cost of those (rounded up), which completes the curve.
 * Returns null when nothing can be bought.
 */
export function curveBuy(c: CurveState, spend: number, feeBps: number = PUMP_FEE_BPS): Fill | null {
  if (c.complete || spend <= 0) return null;
  let sol = Math.floor((spend * 10_000) / (10_000 + feeBps));
  let tokens = Math.floor((c.virtualToken * sol) / (c.virtualSol + sol));
  if (tokens >= c.realToken) {
    tokens = c.realToken;
    sol = Math.ceil((c.virtualSol * tokens) / (c.virtualToken - tokens)) + 1;
  }
  if (tokens <= 0 || sol <= 0) return null;
  const fee = Math.floor((sol * feeBps) / 10_000);
  c.virtualSol += sol;
  c.realSol += sol;
  c.virtualToken -= tokens;
  c.realToken -= tokens;
  if (c.realToken === 0) c.complete = true;
  return { sol, tokens, fee };
}

/** Sell `tokensIn` raw tokens back to the curve; at most the tokens it has sold. */
export function curveSell(c: CurveState, tokensIn: number, feeBps: number = PUMP_FEE_BPS): Fill | null {
  const tokens = Math.min(Math.floor(tokensIn), curveCirculating(c));
  if (c.complete || tokens <= 0) return null;
  const sol = Math.min(Math.floor((c.virtualSol * tokens) / (c.virtualToken + tokens)), c.realSol);
  if (sol <= 0) return null;
  const fee = Math.floor((sol * feeBps) / 10_000);
  c.virtualSol -= sol;
  c.realSol -= sol;
  c.virtualToken += tokens;
  c.realToken += tokens;
  return { sol, tokens, fee };
}
