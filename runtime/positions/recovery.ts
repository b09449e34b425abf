/**
 * Recovery (issue 6, item 5): the one path for a first start and a restart after a crash.
 *
 * 1. Every active position in the journal is loaded; a snapshot from another machine version
 *    stops recovery (a human migrates it, we never guess).
 * 2. Positions at rest (no order in flight) are reconciled with the wallet's token balances and
 *    started at once: their stops are armed before anything slow happens.
 * 3. Every signature still pending in the journal is resolved through the executor: landed gives
 *    a fill, expired (provably never lands) lets the machine retry with a new signature.
 * 4. Positions that were mid-order are replayed on the journal's answers alone (no I/O), which
 *    books what step 3 learned; those now at rest are reconciled too, then all are started. A
 *    position still waiting on the chain starts unreconciled; its mint is reported as deferred.
 *
 * The book allows new entries only once this resolves. A balance that cannot be read (after
 * retries) does not hold a stop back: its positions start unreconciled, and recovery then
 * rejects, which keeps entries off until a restart reconciles them.
 */
import { Result } from "effect";
import type { ExecutorShape } from "../../actors/executor/executor.js";
import { POSITION_MACHINE_VERSION } from "../../machines/position.machine.js";
import type { Journal } from "../journal/journal.js";
import type { StoredPosition } from "../journal/types.js";
import { toSubmission } from "../journal/executor-port.js";
import { reconcile, type Adjustment, type Holding } from "./reconcile.js";
import type { SnapshotRecorder } from "./recorder.js";
import { closedExternally, inFlux, withQty, type PersistedPosition } from "./snapshot.js";
import { fillRecordOf, type EffectRunner } from "./trading-actors.js";

export interface RecoveryHost {
  readonly journal: Journal;
  readonly executor: ExecutorShape;
  readonly run: EffectRunner;
  readonly recorder: SnapshotRecorder;
  /** Start a position as a child of the book, from its snapshot (null: from its input). */
  adopt(stored: StoredPosition, snapshot: PersistedPosition | null): void;
  /** Run a position on journal answers only until it settles; where it came to rest. */
  replay(stored: StoredPosition, snapshot: PersistedPosition | null): Promise<PersistedPosition>;
  /** Waits between balance reads that failed. */
  sleep(ms: number): Promise<void>;
}

export interface RecoveryReport {
  /** Positions running again. */
  readonly restored: readonly string[];
  /** Pending signatures found, and what became of them. */
  readonly signatures: { readonly landed: number; readonly expired: number; readonly unresolved: number };
  /** Sizes the chain corrected; `close: true` ones were closed with reason `external`. */
  readonly adjusted: readonly Adjustment[];
  readonly surplus: readonly { readonly mint: string; readonly qty: number }[];
  /** Mints not reconciled because an order of theirs is still unresolved. */
  readonly deferredMints: readonly string[];
  /** Positions whose machine failed earlier: left for an operator, not restarted. */
  readonly errored: readonly string[];
}

interface Entry {
  readonly stored: StoredPosition;
  readonly snap: PersistedPosition | null;
}

const BALANCE_ATTEMPTS = 5;
const BALANCE_RETRY_MS = 1_000;
const fluxing = (e: Entry) => e.snap === null || inFlux(e.snap);

export async function recover(host: RecoveryHost): Promise<RecoveryReport> {
  const { journal } = host;
  const stale = journal.positions.list("active").filter((p) => p.machineVersion !== POSITION_MACHINE_VERSION);
  if (stale.length > 0) {
    throw new Error(`positions ${stale.map((p) => `${p.positionId} (v${p.machineVersion})`).join(", ")} were journaled by machine version(s) other than ${POSITION_MACHINE_VERSION}: migrate them before starting`);
  }
  const entries: Entry[] = journal.positions.list("active").map((stored) => ({ stored, snap: stored.snapshot as PersistedPosition | null }));
  const restored: string[] = [];
  const adjusted: Adjustment[] = [];
  const surplus: { mint: string; qty: number }[] = [];
  const unreadable: string[] = [];
  const settle = async (list: readonly Entry[]) => {
    const r = await reconcileAndAdopt(host, list);
    restored.push(...r.restored);
    adjusted.push(...r.adjusted);
    surplus.push(...r.surplus);
    unreadable.push(...r.unreadable);
  };

  const busyMints = new Set(entries.filter(fluxing).map((e) => e.stored.mint));
  await settle(entries.filter((e) => !busyMints.has(e.stored.mint)));

  const signatures = await resolvePending(host);

  const replayed: Entry[] = [];
  for (const e of entries.filter((x) => busyMints.has(x.stored.mint))) {
    replayed.push(fluxing(e) ? { stored: e.stored, snap: await host.replay(e.stored, e.snap) } : e);
  }
  const active = replayed.filter((e) => e.snap?.status === "active");
  const stillBusy = new Set(active.filter(fluxing).map((e) => e.stored.mint));
  await settle(active.filter((e) => !stillBusy.has(e.stored.mint)));
  for (const e of active.filter((x) => stillBusy.has(x.stored.mint))) {
    host.adopt(e.stored, e.snap);
    restored.push(e.stored.positionId);
  }
  if (unreadable.length > 0) {
    throw new Error(`recovery: the ${unreadable.join(", ")} balance could not be read; those positions run unreconciled and new entries stay off until a restart reconciles them`);
  }
  const errored = journal.positions.list("error").map((p) => p.positionId);
  return { restored, signatures, adjusted, surplus, deferredMints: [...stillBusy], errored };
}

/** Ask the chain about every signature the journal still calls pending. */
async function resolvePending(host: RecoveryHost): Promise<RecoveryReport["signatures"]> {
  const { journal } = host;
  const counts = { landed: 0, expired: 0, unresolved: 0 };
  await Promise.all(journal.orders.pendingSignatures().map(async (sig) => {
    const res = await host.run(host.executor.resolve(toSubmission(sig)), new AbortController().signal).catch(() => null);
    if (res === null || Result.isFailure(res)) {
      counts.unresolved++;
      return;
    }
    const out = res.success;
    if (out._tag === "Filled") {
      journal.orders.recordFill(fillRecordOf(out.fill, journal.orders.intent(sig.intentId)?.positionId ?? ""));
      counts.landed++;
    } else {
      if (out._tag === "Failed") journal.orders.markFailed(sig.intentId, `landed with an error, nothing swapped: ${out.reason}`);
      else journal.orders.markExpired(sig.intentId, sig.signature);
      counts.expired++;
    }
  }));
  return counts;
}

/** Reconcile the positions' mints with the wallet, write the corrections, start what is still open. */
async function reconcileAndAdopt(host: RecoveryHost, list: readonly Entry[]) {
  const atRest = list.filter((e): e is Entry & { snap: PersistedPosition } => e.snap !== null && e.snap.status === "active");
  const mints = [...new Set(atRest.map((e) => e.stored.mint))];
  const balances = await readBalances(host, mints);
  const holdings: Holding[] = atRest.map((e) => ({
    positionId: e.stored.positionId, mint: e.stored.mint, qty: e.snap.context.fills.qty,
    fillPrice: e.snap.context.fills.fillPrice, dustSol: e.snap.context.params.dustSol,
  }));
  const { adjustments, surplus } = reconcile(holdings, balances);
  const byId = new Map(adjustments.map((a) => [a.positionId, a]));
  const restored: string[] = [];
  for (const e of atRest) {
    const a = byId.get(e.stored.positionId);
    if (a === undefined) {
      host.adopt(e.stored, e.snap);
      restored.push(e.stored.positionId);
      continue;
    }
    const patched = a.close ? closedExternally(e.snap, a.toQty) : withQty(e.snap, a.toQty, "balance_reconciled");
    host.recorder.writePatched(e.stored.positionId, patched, "recovery.reconcile");
    if (!a.close) {
      host.adopt(e.stored, patched);
      restored.push(e.stored.positionId);
    }
  }
  return { restored, adjusted: adjustments, surplus, unreadable: mints.filter((m) => !balances.has(m)) };
}

/**
 * Token balances in whole tokens, retried; a mint whose balance stays unreadable is left out
 * (its positions start unreconciled: a stop must not wait on an RPC outage).
 */
async function readBalances(host: RecoveryHost, mints: readonly string[]): Promise<Map<string, number>> {
  const one = async (mint: string): Promise<[string, number] | null> => {
    for (let attempt = 1; ; attempt++) {
      const res = await host.run(host.executor.tokenBalance(mint), new AbortController().signal).catch(() => null);
      if (res !== null && Result.isSuccess(res)) {
        const d = res.success.decimals ?? host.journal.orders.decimalsOf(mint) ?? 0;
        return [mint, Number(res.success.amount) / 10 ** d];
      }
      if (attempt >= BALANCE_ATTEMPTS) return null;
      await host.sleep(BALANCE_RETRY_MS * attempt);
    }
  };
  return new Map((await Promise.all(mints.map(one))).filter((x) => x !== null));
}
