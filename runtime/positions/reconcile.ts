/**
 * Principle 3, at restart: the chain's token balance wins over what the fills say. Per mint, the
 * positions at rest are compared with the wallet's balance; a shortfall (tokens sold or moved
 * elsewhere while we were down) shrinks them pro rata, and one left with dust is closed with
 * reason `external`. A surplus (an airdrop, a manual buy) is reported, never adopted: those
 * tokens were not bought by a position.
 */

export interface Holding {
  readonly positionId: string;
  readonly mint: string;
  /** Tokens the position's fills say it holds. */
  readonly qty: number;
  /** Price of its last fill: values a leftover as dust or not, as the machine does. */
  readonly fillPrice: number;
  readonly dustSol: number;
}

export interface Adjustment {
  readonly positionId: string;
  readonly mint: string;
  readonly fromQty: number;
  readonly toQty: number;
  /** What is left is dust (or nothing): the position closes with reason `external`. */
  readonly close: boolean;
}

export interface ReconcileResult {
  readonly adjustments: readonly Adjustment[];
  readonly surplus: readonly { readonly mint: string; readonly qty: number }[];
}

/** Float books of integer balances: differences below this share of the holding are rounding. */
const TOLERANCE = 1e-9;

export function reconcile(holdings: readonly Holding[], balances: ReadonlyMap<string, number>): ReconcileResult {
  const byMint = new Map<string, Holding[]>();
  for (const h of holdings) byMint.set(h.mint, [...(byMint.get(h.mint) ?? []), h]);
  const adjustments: Adjustment[] = [];
  const surplus: { mint: string; qty: number }[] = [];
  for (const [mint, list] of byMint) {
    const balance = balances.get(mint);
    const held = list.reduce((s, h) => s + Math.max(0, h.qty), 0);
    if (balance === undefined || !Number.isFinite(balance) || !(held > 0)) continue;
    if (balance > held * (1 + TOLERANCE)) surplus.push({ mint, qty: balance - held });
    if (balance >= held * (1 - TOLERANCE)) continue;
    const ratio = Math.max(0, balance) / held;
    for (const h of list) {
      const toQty = Math.max(0, h.qty) * ratio;
      adjustments.push({ positionId: h.positionId, mint, fromQty: h.qty, toQty, close: !(toQty * h.fillPrice >= h.dustSol) });
    }
  }
  return { adjustments, surplus };
}
