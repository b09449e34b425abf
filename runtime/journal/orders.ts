/**
 * Order intents, the signatures made for them and their fills: what lets a re-run of the same
 * intent (after a restore) be answered without signing again. Every write is one committed
 * SQLite transaction (fsync'd, see db.ts) that also queues the ClickHouse mirror rows.
 */
import type { Clock } from "../../core/clock.js";
import type { JournalDb } from "./db.js";
import type { Outbox } from "./outbox.js";
import type {
  FillRecord, IntentRecord, IntentStatus, IntentView, Resolution, SignatureView, SignedRecord,
} from "./types.js";

interface IntentRow {
  intent_id: string; position_id: string; mint: string; side: "buy" | "sell"; kind: IntentView["kind"];
  amount: number; amount_raw: string; slippage_bps: number; reason: string; status: IntentStatus;
  error: string | null; created_ts: number; updated_ts: number;
}
interface SignatureRow {
  signature: string; intent_id: string; signed_bytes: Buffer; last_valid_block_height: number;
  blockhash: string; side: "buy" | "sell"; mint: string; status: SignatureView["status"]; ts: number;
}
interface FillRow {
  signature: string; intent_id: string; position_id: string; mint: string; side: "buy" | "sell";
  qty: number; sol: number; fee_sol: number; decimals: number | null; ts: number;
}

const toIntent = (r: IntentRow): IntentView => ({
  intentId: r.intent_id, positionId: r.position_id, mint: r.mint, side: r.side, kind: r.kind,
  amount: r.amount, amountRaw: r.amount_raw, slippageBps: r.slippage_bps, reason: r.reason,
  ts: r.created_ts, status: r.status, error: r.error, updatedTs: r.updated_ts,
});
const toSignature = (r: SignatureRow): SignatureView => ({
  signature: r.signature, intentId: r.intent_id, side: r.side, mint: r.mint, signedBytes: new Uint8Array(r.signed_bytes),
  blockhash: r.blockhash, lastValidBlockHeight: r.last_valid_block_height, status: r.status, ts: r.ts,
});
const toFill = (r: FillRow): FillRecord => ({
  signature: r.signature, intentId: r.intent_id, positionId: r.position_id, mint: r.mint, side: r.side,
  qty: r.qty, sol: r.sol, feeSol: r.fee_sol, decimals: r.decimals, ts: r.ts,
});

/** A status never moves back from a final one. */
const FINAL: ReadonlySet<IntentStatus> = new Set(["filled", "expired", "failed"]);

export class OrderJournal {
  readonly #db: JournalDb;
  readonly #outbox: Outbox;
  readonly #clock: Clock;
  readonly #q;

  constructor(db: JournalDb, outbox: Outbox, clock: Clock) {
    this.#db = db;
    this.#outbox = outbox;
    this.#clock = clock;
    this.#q = {
      insertIntent: db.prepare(`INSERT OR IGNORE INTO intents (intent_id, position_id, mint, side, kind, amount,
        amount_raw, slippage_bps, reason, status, error, created_ts, updated_ts)
        VALUES (@intentId, @positionId, @mint, @side, @kind, @amount, @amountRaw, @slippageBps, @reason, 'created', NULL, @ts, @ts)`),
      intent: db.prepare("SELECT * FROM intents WHERE intent_id = ?"),
      setStatus: db.prepare("UPDATE intents SET status = ?, error = ?, updated_ts = ? WHERE intent_id = ?"),
      insertSig: db.prepare(`INSERT OR IGNORE INTO signatures (signature, intent_id, signed_bytes, last_valid_block_height,
        blockhash, side, mint, status, ts) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`),
      sigsOf: db.prepare("SELECT * FROM signatures WHERE intent_id = ? ORDER BY ts, rowid"),
      sig: db.prepare("SELECT * FROM signatures WHERE signature = ?"),
      setSig: db.prepare("UPDATE signatures SET status = ? WHERE signature = ?"),
      expirePending: db.prepare("UPDATE signatures SET status = 'expired' WHERE intent_id = ? AND status = 'pending'"),
      pending: db.prepare("SELECT * FROM signatures WHERE status = 'pending' ORDER BY ts, rowid"),
      insertFill: db.prepare(`INSERT OR IGNORE INTO fills (signature, intent_id, position_id, mint, side, qty, sol, fee_sol, decimals, ts)
        VALUES (@signature, @intentId, @positionId, @mint, @side, @qty, @sol, @feeSol, @decimals, @ts)`),
      decimals: db.prepare("SELECT decimals FROM fills WHERE mint = ? AND decimals IS NOT NULL ORDER BY rowid DESC LIMIT 1").pluck(),
      fill: db.prepare("SELECT * FROM fills WHERE intent_id = ?"),
      fillsOf: db.prepare("SELECT * FROM fills WHERE position_id = ? ORDER BY ts, rowid"),
      intentsOf: db.prepare("SELECT * FROM intents WHERE position_id = ? ORDER BY created_ts, rowid"),
    };
  }

  /** Idempotent: a second call with the same id keeps the first record and returns it. */
  recordIntent(r: IntentRecord): IntentView {
    return this.#db.transaction(() => {
      if (this.#q.insertIntent.run(r).changes > 0) this.#mirrorIntent(r.intentId, "");
      return this.intent(r.intentId) as IntentView;
    })();
  }

  intent(intentId: string): IntentView | undefined {
    const row = this.#q.intent.get(intentId) as IntentRow | undefined;
    return row === undefined ? undefined : toIntent(row);
  }

  intentsOf(positionId: string): IntentView[] {
    return (this.#q.intentsOf.all(positionId) as IntentRow[]).map(toIntent);
  }

  /** The executor's port: durable when it returns, before the transaction is sent. */
  recordSigned(r: SignedRecord): void {
    const bytes = typeof r.signedBytes === "string" ? Buffer.from(r.signedBytes, "base64") : Buffer.from(r.signedBytes);
    this.#db.transaction(() => {
      const i = this.intent(r.intentId);
      const side = r.side ?? i?.side ?? "buy";
      const mint = r.mint ?? i?.mint ?? "";
      const added = this.#q.insertSig.run(r.signature, r.intentId, bytes, Number(r.lastValidBlockHeight), r.blockhash ?? "", side, mint, this.#clock.now()).changes > 0;
      if (added && i !== undefined && i.status === "created") this.#setStatus(i, "signed", null, r.signature);
    })();
  }

  /** The send's outcome is not known yet: the machine will ask `resolveOutcome` later. */
  markUnknown(intentId: string, signature: string): void {
    this.#db.transaction(() => {
      const i = this.intent(intentId);
      if (i !== undefined && !FINAL.has(i.status)) this.#setStatus(i, "unknown", null, signature);
    })();
  }

  /** A landed transaction's balance changes; the intent is filled and its signature landed. */
  recordFill(f: FillRecord): void {
    this.#db.transaction(() => {
      if (this.#q.insertFill.run(f).changes === 0) return;
      this.#q.setSig.run("landed", f.signature);
      this.#outbox.append("fills", {
        signature: f.signature, position_id: f.positionId, mint: f.mint, side: f.side, qty: f.qty,
        cost_sol: f.sol, fee_sol: f.feeSol, ts_ms: f.ts,
      });
      const i = this.intent(f.intentId);
      if (i !== undefined) this.#setStatus(i, "filled", null, f.signature);
    })();
  }

  /** This signature's blockhash passed and it is not on chain; the intent expires with its last one. */
  markExpired(intentId: string, signature: string): void {
    this.#db.transaction(() => {
      const s = this.#q.sig.get(signature) as SignatureRow | undefined;
      if (s !== undefined && s.status === "pending") this.#q.setSig.run("expired", signature);
      const i = this.intent(intentId);
      const open = this.signatures(intentId).some((x) => x.status === "pending");
      if (i !== undefined && !FINAL.has(i.status) && !open) this.#setStatus(i, "expired", null, signature);
    })();
  }

  /** The executor proved nothing landed: a new intent may be made. */
  markFailed(intentId: string, error: string): void {
    this.#db.transaction(() => {
      const i = this.intent(intentId);
      if (i === undefined || FINAL.has(i.status)) return;
      this.#q.expirePending.run(intentId);
      this.#setStatus(i, "failed", error, this.signatures(intentId).at(-1)?.signature ?? "");
    })();
  }

  signature(signature: string): SignatureView | undefined {
    const row = this.#q.sig.get(signature) as SignatureRow | undefined;
    return row === undefined ? undefined : toSignature(row);
  }

  /** The latest signature made for an intent, whatever became of it (the executor's `latestFor`). */
  latestSignature(intentId: string): SignatureView | undefined {
    return this.signatures(intentId).at(-1);
  }

  /** Token decimals of a mint, from its latest fill that knew them. */
  decimalsOf(mint: string): number | undefined {
    const d = this.#q.decimals.get(mint) as number | undefined;
    return d ?? undefined;
  }

  signatures(intentId: string): SignatureView[] {
    return (this.#q.sigsOf.all(intentId) as SignatureRow[]).map(toSignature);
  }

  /** Signed, not known to have landed or expired: what recovery asks the chain about. */
  pendingSignatures(): SignatureView[] {
    return (this.#q.pending.all() as SignatureRow[]).map(toSignature);
  }

  fill(intentId: string): FillRecord | undefined {
    const row = this.#q.fill.get(intentId) as FillRow | undefined;
    return row === undefined ? undefined : toFill(row);
  }

  fillsOf(positionId: string): FillRecord[] {
    return (this.#q.fillsOf.all(positionId) as FillRow[]).map(toFill);
  }

  /** Has this intent been signed, and how did it end? The answer a re-run gets. */
  resolution(intentId: string): Resolution {
    const fill = this.fill(intentId);
    if (fill !== undefined) return { kind: "filled", fill };
    const i = this.intent(intentId);
    if (i?.status === "expired") return { kind: "expired" };
    if (i?.status === "failed") return { kind: "failed", error: i.error ?? "failed" };
    const pending = this.signatures(intentId).filter((s) => s.status === "pending").at(-1);
    return pending === undefined ? { kind: "unsigned" } : { kind: "pending", signature: pending.signature };
  }

  #setStatus(i: IntentView, status: IntentStatus, error: string | null, signature: string): void {
    this.#q.setStatus.run(status, error, this.#clock.now(), i.intentId);
    this.#mirrorIntent(i.intentId, signature);
  }

  #mirrorIntent(intentId: string, signature: string): void {
    const i = this.intent(intentId);
    if (i === undefined) return;
    // `version` is filled in by the mirror from the outbox id: later status, higher version.
    this.#outbox.append("order_intents", {
      intent_id: i.intentId, position_id: i.positionId, mint: i.mint, side: i.side, amount_in: i.amountRaw,
      slippage_bps: i.slippageBps, signature, status: i.status, ts_ms: i.updatedTs,
    });
  }
}
