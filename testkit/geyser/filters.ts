/**
 * Which of a subscription's filters an update matches (their names go back in
 * `SubscribeUpdate.filters`). Follows Yellowstone: within one filter every given criterion must
 * hold (account AND owner AND each data filter); an empty list means "any".
 */
import { base58, fromBase58 } from "../../chain/layouts/bytes.js";
import type { SubscribeRequest, SubscribeUpdate } from "../../streams/geyser/wire.js";

type AccountInfo = NonNullable<NonNullable<SubscribeUpdate["account"]>["account"]>;
type AccountFilter = SubscribeRequest["accounts"][string];
type TxFilter = SubscribeRequest["transactions"][string];

function memcmpBytes(m: NonNullable<AccountFilter["filters"][number]["memcmp"]>): Uint8Array | null {
  if (m.bytes !== undefined) return m.bytes;
  if (m.base58 !== undefined) return fromBase58(m.base58);
  if (m.base64 !== undefined) return new Uint8Array(Buffer.from(m.base64, "base64"));
  return null;
}

export function accountMatches(f: AccountFilter, a: AccountInfo): boolean {
  if (f.account.length > 0 && !f.account.includes(base58(a.pubkey))) return false;
  if (f.owner.length > 0 && !f.owner.includes(base58(a.owner))) return false;
  for (const df of f.filters) {
    if (df.datasize !== undefined && a.data.length !== Number(df.datasize)) return false;
    if (df.tokenAccountState !== undefined && df.tokenAccountState && a.data.length !== 165) return false;
    if (df.memcmp !== undefined) {
      const want = memcmpBytes(df.memcmp);
      const off = Number(df.memcmp.offset);
      if (want === null || off + want.length > a.data.length) return false;
      for (let i = 0; i < want.length; i++) if (a.data[off + i] !== want[i]) return false;
    }
  }
  return true;
}

export function transactionMatches(f: TxFilter, u: NonNullable<SubscribeUpdate["transaction"]>): boolean {
  const info = u.transaction;
  if (info === undefined) return false;
  const failed = info.meta?.err !== undefined;
  if (f.vote !== undefined && f.vote !== info.isVote) return false;
  if (f.failed !== undefined && f.failed !== failed) return false;
  if (f.signature !== undefined && f.signature !== base58(info.signature)) return false;
  const keys = new Set([...(info.transaction?.message?.accountKeys ?? []), ...(info.meta?.loadedWritableAddresses ?? []), ...(info.meta?.loadedReadonlyAddresses ?? [])].map(base58));
  if (f.accountInclude.length > 0 && !f.accountInclude.some((k) => keys.has(k))) return false;
  if (f.accountExclude.some((k) => keys.has(k))) return false;
  if (!f.accountRequired.every((k) => keys.has(k))) return false;
  return true;
}

/** Names of the filters `u` matches; pings and pongs are not filtered. */
export function matchingFilters(req: SubscribeRequest, u: SubscribeUpdate): string[] {
  const out: string[] = [];
  if (u.account?.account !== undefined) {
    for (const [name, f] of Object.entries(req.accounts)) if (accountMatches(f, u.account.account)) out.push(name);
  } else if (u.transaction !== undefined) {
    for (const [name, f] of Object.entries(req.transactions)) if (transactionMatches(f, u.transaction)) out.push(name);
  } else if (u.slot !== undefined) {
    out.push(...Object.keys(req.slots));
  }
  return out;
}

/** A request that sets filters (as opposed to the client's empty first message or a ping). */
export function setsFilters(req: SubscribeRequest): boolean {
  return Object.keys(req.accounts).length + Object.keys(req.slots).length + Object.keys(req.transactions).length > 0;
}
