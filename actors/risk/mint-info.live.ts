/**
 * Mint info live: the feed's mint writes where the feed carries them (a Geyser watch of a pool's
 * mint), else the mint account read once by RPC getAccountInfo and cached. Lookups never wait:
 * the first `want` or `lookup` of a mint starts the read and the mint stays unknown until it
 * answers. A failed read, or no account, is asked again after `retryAfterMs`; an answer is kept
 * (a later feed write of the mint replaces it). At most `maxReads` reads run at once.
 */
import { Effect, Layer } from "effect";
import type { SolanaRpc } from "../../chain/rpc/client.js";
import type { RpcError } from "../../chain/rpc/errors.js";
import type { Clock } from "../../core/clock.js";
import type { AccountUpdate } from "../../streams/types.js";
import { isMintWrite, MintInfoSource, readMintAccount, type MintInfoShape, type MintLookup } from "./mint-info.js";

export interface LiveMintInfoOptions {
  readonly rpc: Pick<SolanaRpc, "getAccountInfo">;
  readonly clock: Clock;
  /** Wait before reading a mint again after a failed read or a missing account. */
  readonly retryAfterMs: number;
  /** Reads in flight at most (a universe of hundreds of mints ticks at once at start); a mint
   * wanted while all are busy is read on a later tick. Default 8. */
  readonly maxReads?: number;
  /** A read failed (its retries spent): the caller counts and logs it. */
  readonly onReadFailed?: (mint: string, error: RpcError) => void;
  /**
   * A mint account read by RPC, as the account write a feed would have carried: the daemon
   * records it with the feed, so a replay knows the mint from the same moment live did.
   */
  readonly onRead?: (update: AccountUpdate) => void;
}

export function makeLiveMintInfo(o: LiveMintInfoOptions): MintInfoShape {
  const fromFeed = new Map<string, MintLookup>();
  const fromRpc = new Map<string, MintLookup>();
  const reading = new Set<string>();
  /** Mints whose last read failed or found nothing: not read again before this time. */
  const retryAt = new Map<string, number>();

  const settled = (mint: string): boolean => fromFeed.has(mint) || fromRpc.get(mint)?._tag === "Known" || fromRpc.get(mint)?._tag === "Unreadable";

  const read = (mint: string): void => {
    reading.add(mint);
    const later = (detail: string): void => {
      retryAt.set(mint, o.clock.now() + o.retryAfterMs);
      fromRpc.set(mint, { _tag: "Unknown", detail });
    };
    void Effect.runPromise(Effect.result(o.rpc.getAccountInfo(mint))).then((r) => {
      reading.delete(mint);
      if (r._tag === "Failure") {
        later(`reading mint ${mint} failed: ${r.failure.message}`);
        o.onReadFailed?.(mint, r.failure);
      } else if (r.success === null) later(`no account ${mint} on chain`);
      else {
        const { owner, data, slot } = r.success;
        fromRpc.set(mint, readMintAccount(mint, owner, data));
        const now = o.clock.now();
        o.onRead?.({ pubkey: mint, owner, data, slot, writeVersion: 0, tsEvent: now, tsInit: now });
      }
    });
  };

  const want = (mint: string): void => {
    if (settled(mint) || reading.has(mint) || reading.size >= (o.maxReads ?? 8) || o.clock.now() < (retryAt.get(mint) ?? 0)) return;
    read(mint);
  };

  return {
    lookup: (mint) => {
      want(mint);
      return fromFeed.get(mint) ?? fromRpc.get(mint) ?? { _tag: "Unknown", detail: `mint ${mint} is being read` };
    },
    want,
    observe: (u) => {
      if (isMintWrite(u)) fromFeed.set(u.pubkey, readMintAccount(u.pubkey, u.owner, u.data));
    },
  };
}

export const layer = (o: LiveMintInfoOptions) => Layer.succeed(MintInfoSource, makeLiveMintInfo(o));
