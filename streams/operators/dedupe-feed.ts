/**
 * Drops what a resumed or duplicating feed delivers twice: an account write is identified by
 * (pubkey, slot, write version) and a write no newer than the last one seen for its account is a
 * duplicate or a stale reorder; a transaction by (slot, signature); a slot update by (slot,
 * status). Memory is bounded: accounts by an LRU cap, the rest by a sliding window of slots.
 */
import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import type { FeedEvent } from "../types.js";

export interface DedupeOptions {
  /** Accounts remembered (least recently written forgotten first). Default 1,000,000. */
  readonly maxAccounts?: number;
  /** Transactions remembered this many slots behind the newest. Default 3,000 (~20 min). */
  readonly txSlotWindow?: number;
}

export interface DedupeStats {
  duplicates: number;
  stale: number;
}

export function dedupeFeed(opts: DedupeOptions = {}, stats: DedupeStats = { duplicates: 0, stale: 0 }): MonoTypeOperatorFunction<FeedEvent> {
  const maxAccounts = opts.maxAccounts ?? 1_000_000;
  const window = opts.txSlotWindow ?? 3_000;
  return (source) =>
    new Observable<FeedEvent>((subscriber) => {
      /** pubkey → [slot, writeVersion] of the newest write seen. */
      const accounts = new Map<string, { slot: number; wv: number }>();
      /** slot → signatures (and slot statuses) seen in it. */
      const txs = new Map<number, Set<string>>();
      let maxTxSlot = -1;
      /** Seen-before check for keys that live in a slot; false when the slot is out of the window. */
      const firstTime = (slot: number, key: string): boolean => {
        if (slot <= maxTxSlot - window) {
          stats.stale++;
          return false;
        }
        let seen = txs.get(slot);
        if (seen === undefined) txs.set(slot, (seen = new Set()));
        if (seen.has(key)) {
          stats.duplicates++;
          return false;
        }
        seen.add(key);
        if (slot > maxTxSlot) {
          maxTxSlot = slot;
          for (const s of txs.keys()) if (s <= maxTxSlot - window) txs.delete(s);
        }
        return true;
      };
      const sub = source.subscribe({
        next(ev) {
          if (ev.kind === "account") {
            const u = ev.update;
            const last = accounts.get(u.pubkey);
            if (last !== undefined) {
              if (u.slot === last.slot && u.writeVersion === last.wv) return void stats.duplicates++;
              if (u.slot < last.slot || (u.slot === last.slot && u.writeVersion < last.wv)) return void stats.stale++;
              accounts.delete(u.pubkey); // re-insert: Map order is our LRU order
            } else if (accounts.size >= maxAccounts) {
              const oldest = accounts.keys().next();
              if (oldest.done !== true) accounts.delete(oldest.value);
            }
            accounts.set(u.pubkey, { slot: u.slot, wv: u.writeVersion });
          } else if (ev.kind === "transaction") {
            if (!firstTime(ev.update.slot, ev.update.signature)) return;
          } else if (ev.kind === "slot") {
            // ':' is not base58, so a status key never collides with a signature.
            if (!firstTime(ev.update.slot, `:${ev.update.status}`)) return;
          }
          subscriber.next(ev);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        accounts.clear();
        txs.clear();
      };
    });
}
