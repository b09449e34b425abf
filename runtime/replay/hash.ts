/**
 * The determinism hash of a run: sha256 over its transition log and its order intents, in a
 * canonical order and serialisation. Positions in journal order (creation time, then creation
 * order); within a position its transitions by sequence number, then its intents by creation.
 * Each record is one line of JSON with a fixed key order. The same data, config and seed give
 * the same lines, hence the same hash; any difference in what a position did or asked for (a
 * state, a reason, a time, an amount) changes it.
 */
import { createHash } from "node:crypto";
import type { IntentView, TransitionRow } from "../journal/types.js";

export interface TransitionLine {
  readonly positionId: string;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly event: string;
  readonly reason: string;
  readonly ts: number;
}

export interface IntentLine {
  readonly intentId: string;
  readonly positionId: string;
  readonly mint: string;
  readonly side: string;
  readonly kind: string;
  readonly amount: number;
  readonly amountRaw: string;
  readonly slippageBps: number;
  readonly reason: string;
  readonly ts: number;
}

export interface RunLog {
  readonly transitions: readonly TransitionLine[];
  readonly intents: readonly IntentLine[];
}

export const transitionLine = (t: TransitionRow): TransitionLine => ({
  positionId: t.positionId, seq: t.seq, from: t.fromState, to: t.toState, event: t.event, reason: t.reason, ts: t.ts,
});

export const intentLine = (i: IntentView): IntentLine => ({
  intentId: i.intentId, positionId: i.positionId, mint: i.mint, side: i.side, kind: i.kind, amount: i.amount,
  amountRaw: i.amountRaw, slippageBps: i.slippageBps, reason: i.reason, ts: i.ts,
});

/** The canonical text the hash is taken over: one JSON line per record. */
export function logLines(log: RunLog): string[] {
  const byPosition = new Map<string, { t: TransitionLine[]; i: IntentLine[] }>();
  const slot = (id: string) => {
    let s = byPosition.get(id);
    if (s === undefined) byPosition.set(id, (s = { t: [], i: [] }));
    return s;
  };
  for (const t of log.transitions) slot(t.positionId).t.push(t);
  for (const i of log.intents) slot(i.positionId).i.push(i);
  const lines: string[] = [];
  for (const [, s] of byPosition) {
    for (const t of s.t) lines.push(JSON.stringify(["T", t.positionId, t.seq, t.from, t.to, t.event, t.reason, t.ts]));
    for (const i of s.i) lines.push(JSON.stringify(["I", i.intentId, i.positionId, i.mint, i.side, i.kind, i.amount, i.amountRaw, i.slippageBps, i.reason, i.ts]));
  }
  return lines;
}

export function runHash(log: RunLog): string {
  const h = createHash("sha256");
  for (const line of logLines(log)) h.update(line).update("\n");
  return h.digest("hex");
}
