/**
 * Raw feed events as `feed_events` rows, for replay and audit: account writes (bytes as base64),
 * transactions (keys, logs, token balances) and gaps, each under its natural key
 * (slot, signature, write_version, kind) with kind `<source>.account|transaction|gap`. An
 * account row's "signature" is its pubkey and its write_version the write version; a
 * transaction's write_version is its index in the block. Slot and connection-status updates are
 * not stored (they are counted in the status line and the summary).
 */
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import type { AccountUpdate, FeedEvent, TokenBalance } from "../../streams/types.js";

const balance = (b: TokenBalance) => ({ accountIndex: b.accountIndex, mint: b.mint, owner: b.owner, amount: b.amount.toString(), decimals: b.decimals });

export function rawFeedRows(source: string, mintOf: (pubkey: string) => string | undefined): (e: FeedEvent) => readonly FeedEventRow[] {
  return (e) => {
    switch (e.kind) {
      case "account": {
        const u = e.update;
        return [
          {
            slot: u.slot,
            signature: u.pubkey,
            write_version: u.writeVersion,
            kind: `${source}.account`,
            mint: mintOf(u.pubkey) ?? "",
            payload: JSON.stringify({ pubkey: u.pubkey, owner: u.owner, data: Buffer.from(u.data).toString("base64"), writeVersion: u.writeVersion, tsEvent: u.tsEvent, tsInit: u.tsInit }),
            ts_ms: u.tsEvent,
          },
        ];
      }
      case "transaction": {
        const t = e.update;
        return [
          {
            slot: t.slot,
            signature: t.signature,
            write_version: t.index,
            kind: `${source}.transaction`,
            mint: "",
            payload: JSON.stringify({
              signature: t.signature,
              index: t.index,
              failed: t.failed,
              accountKeys: t.accountKeys,
              logMessages: t.logMessages,
              preTokenBalances: t.preTokenBalances.map(balance),
              postTokenBalances: t.postTokenBalances.map(balance),
              tsEvent: t.tsEvent,
              tsInit: t.tsInit,
            }),
            ts_ms: t.tsEvent,
          },
        ];
      }
      case "gap":
        return [
          {
            slot: e.resumedAtSlot,
            signature: `gap:${e.requestedFromSlot}-${e.resumedAtSlot}`,
            write_version: 0,
            kind: `${source}.gap`,
            mint: "",
            payload: JSON.stringify(e),
            ts_ms: e.tsInit,
          },
        ];
      default:
        return [];
    }
  };
}

/** Account states read by RPC (not streamed), as the feed's own account rows. */
export function accountRows(source: string, mintOf: (pubkey: string) => string | undefined, updates: readonly AccountUpdate[]): FeedEventRow[] {
  const toRows = rawFeedRows(source, mintOf);
  return updates.flatMap((update) => toRows({ kind: "account", update }));
}
