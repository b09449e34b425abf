/**
 * What the HTTP API and dashboard read about a position: a flat view of its snapshot, and the
 * detail page's history (transitions, intents, fills) from the journal.
 */
import type { PositionOutput } from "../../machines/position.types.js";
import type { FillRecord, IntentView, PositionStatus, TransitionRow } from "../journal/types.js";
import { stateString, type PersistedPosition } from "./snapshot.js";

export interface PositionView {
  readonly positionId: string;
  readonly mint: string;
  /** "open", "tp1.selling", "moonbag.running", "closed", ... */
  readonly state: string;
  readonly status: PositionStatus;
  readonly reason: string;
  readonly seq: number;
  readonly sizeSol: number;
  /** Tokens held, from fills (reconciled with the chain at restart). */
  readonly qty: number;
  readonly qtyBought: number;
  readonly costSol: number;
  readonly proceedsSol: number;
  readonly entryPrice: number;
  readonly lastPrice: number;
  readonly peak: number;
  readonly stop: number;
  readonly stopKind: string;
  readonly tp1Done: boolean;
  readonly openedTs: number;
  readonly lastTs: number;
  /** Proceeds less cost so far, from fills only. */
  readonly realizedSol: number;
  /** What is held, at the last price seen. */
  readonly markSol: number;
  readonly output: PositionOutput | null;
}

export interface PositionDetail extends PositionView {
  readonly transitions: readonly TransitionRow[];
  readonly intents: readonly IntentView[];
  readonly fills: readonly FillRecord[];
  /** The persisted snapshot as journaled (the statechart viewer draws `state` on the machine). */
  readonly snapshot: unknown;
}

/** A live snapshot (`actor.getSnapshot()`) or a journaled one. */
export interface ViewSource {
  readonly value: unknown;
  readonly context: PersistedPosition["context"];
  readonly output?: PositionOutput | undefined;
}

export function viewOf(p: ViewSource, status: PositionStatus): PositionView {
  const c = p.context;
  const f = c.fills;
  const t = c.track;
  return {
    positionId: c.positionId, mint: c.mint, state: stateString(p.value), status, reason: c.reason, seq: c.seq,
    sizeSol: c.sizeSol, qty: f.qty, qtyBought: f.qtyBought, costSol: f.costSol, proceedsSol: f.proceedsSol,
    entryPrice: f.entryPrice, lastPrice: t.lastPrice, peak: t.peak, stop: t.stop, stopKind: t.stopKind,
    tp1Done: t.tp1Done, openedTs: t.openedTs, lastTs: t.lastTs, realizedSol: f.proceedsSol - f.costSol,
    markSol: f.qty * t.lastPrice, output: p.output ?? null,
  };
}
