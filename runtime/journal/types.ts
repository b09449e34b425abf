/**
 * What the journal stores, as readonly records. Amounts are UI units (SOL, whole tokens) as the
 * position machine books them; `amountRaw` is the integer the chain sees (lamports, base units).
 */
import type { Fill, PositionInput, SellKind } from "../../machines/position.types.js";

export type Side = "buy" | "sell";
export type IntentKind = "buy" | SellKind;
export type IntentStatus = "created" | "signed" | "unknown" | "filled" | "expired" | "failed";
export type SignatureStatus = "pending" | "landed" | "expired";

export interface IntentRecord {
  readonly intentId: string;
  readonly positionId: string;
  readonly mint: string;
  readonly side: Side;
  readonly kind: IntentKind;
  /** SOL in for a buy, tokens in for a sell. */
  readonly amount: number;
  /** The same in raw units (lamports / token base units), as a decimal string. */
  readonly amountRaw: string;
  readonly slippageBps: number;
  readonly reason: string;
  readonly ts: number;
}

export interface IntentView extends IntentRecord {
  readonly status: IntentStatus;
  readonly error: string | null;
  readonly updatedTs: number;
}

/**
 * What the executor records (and awaits) before a transaction leaves. The executor's
 * `Submission` (chain/tx/submission.ts) is one; side, mint and blockhash default to the
 * intent's and "" when a caller has none.
 */
export interface SignedRecord {
  readonly intentId: string;
  readonly signature: string;
  /** The signed wire transaction: raw bytes, or base64. */
  readonly signedBytes: Uint8Array | string;
  readonly lastValidBlockHeight: number | bigint;
  readonly blockhash?: string;
  readonly side?: Side;
  readonly mint?: string;
}

/** A journaled signature: everything needed to resend its bytes and prove it landed or expired. */
export interface SignatureView {
  readonly signature: string;
  readonly intentId: string;
  readonly side: Side;
  readonly mint: string;
  readonly signedBytes: Uint8Array;
  readonly blockhash: string;
  readonly lastValidBlockHeight: number;
  readonly status: SignatureStatus;
  readonly ts: number;
}

export interface FillRecord extends Fill {
  readonly intentId: string;
  readonly positionId: string;
  readonly mint: string;
  readonly side: Side;
  readonly feeSol: number;
  /** Token decimals, when the fill knew them: sells convert quantities back to raw units. */
  readonly decimals: number | null;
}

/**
 * How an intent ended, if it has: a fill; expired (its blockhash passed, it is not on chain);
 * failed (the executor proved nothing landed); or still open with the signature to ask about.
 */
export type Resolution =
  | { readonly kind: "filled"; readonly fill: FillRecord }
  | { readonly kind: "expired" }
  | { readonly kind: "failed"; readonly error: string }
  | { readonly kind: "pending"; readonly signature: string }
  | { readonly kind: "unsigned" };

export type PositionStatus = "active" | "done" | "error";

export interface StoredPosition {
  readonly positionId: string;
  readonly mint: string;
  readonly input: PositionInput;
  readonly machineVersion: number;
  /** `getPersistedSnapshot()` as JSON-parsed data; null until the first one is written. */
  readonly snapshot: unknown;
  readonly state: string;
  readonly status: PositionStatus;
  readonly seq: number;
  readonly reason: string;
  readonly createdTs: number;
  readonly updatedTs: number;
  readonly closedTs: number | null;
  readonly pnlSol: number | null;
}

export interface TransitionRow {
  readonly positionId: string;
  readonly seq: number;
  readonly fromState: string;
  readonly toState: string;
  /** The event type that caused it (`price.tick`, `xstate.done.actor.sell`, `recovery`). */
  readonly event: string;
  readonly reason: string;
  readonly ts: number;
}

/** One position's latest snapshot with the transitions it made since the last one. */
export interface SnapshotWrite {
  readonly positionId: string;
  readonly snapshot: unknown;
  readonly state: string;
  readonly status: PositionStatus;
  readonly seq: number;
  readonly reason: string;
  readonly ts: number;
  readonly transitions: readonly TransitionRow[];
  /** Set when the machine reached a final state. */
  readonly closed?: { readonly ts: number; readonly pnlSol: number };
}
