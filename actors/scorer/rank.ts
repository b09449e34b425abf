/**
 * From raw formula values to ranked signals and decisions: score = sigmoid(raw) as upstream
 * (§11.2), ranked best first; entries above the buy threshold for tokens not held, while slots
 * remain and risk allows; exits below the sell threshold for held tokens. Pure.
 */

export interface Signal {
  readonly mint: string;
  /** sigmoid(raw), in [0, 1]. */
  readonly score: number;
  readonly raw: number;
  /** 1 for the best score. */
  readonly rank: number;
  /** Slot of the bar that closed (bar open time, unix seconds). */
  readonly ts: number;
}

/** What a risk check says about an entry (actors/risk `RiskDecision` fits). */
export interface RiskVerdict {
  readonly allow: boolean;
  readonly reasons: readonly { readonly code: string; readonly detail: string }[];
}

export type RiskCheck = (signal: Signal) => RiskVerdict;

export interface DecisionRule {
  readonly buyThreshold: number;
  readonly sellThreshold: number;
  readonly maxOpenPositions: number;
}

export interface Refusal {
  readonly signal: Signal;
  readonly reasons: RiskVerdict["reasons"];
}

export interface Decisions {
  readonly ts: number;
  /** Every scored token, best first. */
  readonly signals: readonly Signal[];
  /** Entries to open, best first. */
  readonly entries: readonly Signal[];
  /** Above the buy threshold, not held, but refused (risk, or no slot left). */
  readonly refused: readonly Refusal[];
  /** Held tokens scoring below the sell threshold. */
  readonly exits: readonly Signal[];
}

/** Logistic without overflow: exp of a large positive argument is never taken. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Rank finite raw values, best first. Ties in raw (and scores that saturate to 1) are broken
 * by the raw value, then by mint, so the order never depends on arrival order.
 */
export function rankSignals(raws: Iterable<readonly [string, number]>, ts: number): Signal[] {
  const rows = [...raws].filter(([, raw]) => Number.isFinite(raw));
  rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return rows.map(([mint, raw], i) => ({ mint, score: sigmoid(raw), raw, rank: i + 1, ts }));
}

/**
 * Entries and exits from ranked signals. Risk is asked only for tokens that would otherwise
 * enter, best first; once the open slots are taken the rest are refused without asking.
 */
export function decide(ts: number, signals: readonly Signal[], held: ReadonlySet<string>, risk: RiskCheck, rule: DecisionRule): Decisions {
  const entries: Signal[] = [];
  const refused: Refusal[] = [];
  const exits: Signal[] = [];
  let slots = Math.max(0, rule.maxOpenPositions - held.size);
  for (const s of signals) {
    if (held.has(s.mint)) {
      if (s.score < rule.sellThreshold) exits.push(s);
      continue;
    }
    if (!(s.score > rule.buyThreshold)) continue;
    if (slots === 0) {
      refused.push({ signal: s, reasons: [{ code: "max_open_positions", detail: `${held.size + entries.length} open or entering, at most ${rule.maxOpenPositions}` }] });
      continue;
    }
    const v = risk(s);
    if (v.allow) {
      entries.push(s);
      slots--;
    } else refused.push({ signal: s, reasons: v.reasons });
  }
  return { ts, signals, entries, refused, exits };
}
