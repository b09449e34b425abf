/**
 * Reading (and, for reconciliation, rewriting) a position machine's persisted snapshot: the
 * `getPersistedSnapshot()` JSON the journal holds. Pure data functions; no actor involved.
 */
import { output } from "../../machines/position.logic.js";
import type { PositionContext, PositionOutput } from "../../machines/position.types.js";

export interface PersistedPosition {
  readonly status: "active" | "done" | "error" | "stopped";
  readonly value: unknown;
  readonly context: PositionContext;
  readonly children?: Readonly<Record<string, unknown>>;
  readonly output?: PositionOutput;
  readonly [key: string]: unknown;
}

/** `{ tp1: "selling" }` → "tp1.selling", the names `recordTransition` uses. */
export function stateString(value: unknown): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") {
    const [key, inner] = Object.entries(value)[0] ?? [];
    if (key !== undefined) return inner === undefined ? key : `${key}.${stateString(inner)}`;
  }
  return String(value);
}

/**
 * An order is in flight (invoked, or sent with its outcome unknown): the fills in the snapshot
 * may not include a trade that already happened, so its balance cannot be compared yet.
 */
export function inFlux(p: PersistedPosition): boolean {
  if (p.status !== "active") return false;
  const s = stateString(p.value);
  return s === "entering" || s === "unknown" || s.startsWith("unknown.") || /\.(selling|resolving|unknown)$/.test(s);
}

export const isDone = (p: PersistedPosition): boolean => p.status === "done";

/** The balance wins: the held quantity becomes `qty`; the transition is recorded by the caller. */
export function withQty(p: PersistedPosition, qty: number, reason: string): PersistedPosition {
  const c = p.context;
  return { ...p, context: { ...c, fills: { ...c.fills, qty }, reason, seq: c.seq + 1 } };
}

/**
 * Tokens sold elsewhere: the position is closed with reason `external`, keeping what its own
 * fills say it bought and sold, and what is left on chain (`qty`) as its leftover.
 */
export function closedExternally(p: PersistedPosition, qty: number): PersistedPosition {
  const c = p.context;
  const context: PositionContext = { ...c, fills: { ...c.fills, qty }, reason: "external", seq: c.seq + 1 };
  const outcome = c.fills.qtyBought > 0 ? "closed" : "failed";
  return { ...p, status: "done", value: "closed", children: {}, context, output: output(context, outcome) };
}
