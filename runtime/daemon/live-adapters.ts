/**
 * The live chain adapters, built from the config in this one place for every live user (the
 * executor child, the mint source): the RPC and Jupiter clients, each request allowed
 * `execution.maxSendAttempts` attempts with jittered backoff between them, the Jito block
 * engine as a second send path when `execution.jitoTipLamports` is above 0, and the mint source.
 */
import { makeLiveMintInfo, type LiveMintInfoOptions } from "../../actors/risk/mint-info.live.js";
import { makeReplayMintInfo } from "../../actors/risk/mint-info.replay.js";
import type { MintInfoShape } from "../../actors/risk/mint-info.js";
import type { Clock } from "../../core/clock.js";
import { JUPITER_BACKOFF } from "../../chain/jupiter/retry.js";
import { jupiterConfig, makeJupiter, type Jupiter } from "../../chain/jupiter/index.js";
import { jitoRelay } from "../../chain/jito/relay.js";
import { makeSolanaRpc, type SolanaRpc } from "../../chain/rpc/client.js";
import { RPC_READ_BACKOFF, withMaxAttempts } from "../../chain/rpc/retry.js";
import type { TxRelay } from "../../chain/tx/send.js";
import type { AppConfig } from "../../config/index.js";
import type { Rng } from "../../core/random.js";

const RPC_TIMEOUT_MS = 10_000;

export function liveRpc(c: AppConfig, rng: Rng): SolanaRpc {
  if (c.solana.rpcUrl === "") throw new Error("live trading needs solana.rpcUrl (ALPHAGPT_SOLANA_RPC_URL)");
  return makeSolanaRpc({
    url: c.solana.rpcUrl, timeoutMs: RPC_TIMEOUT_MS, commitment: c.solana.commitment, rng,
    backoff: withMaxAttempts(RPC_READ_BACKOFF, c.execution.maxSendAttempts),
  });
}

export function liveJupiter(c: AppConfig, rng: Rng): Jupiter {
  return makeJupiter(jupiterConfig(c.jupiter, rng, { backoff: withMaxAttempts(JUPITER_BACKOFF, c.execution.maxSendAttempts) }));
}

/** The send paths besides the RPC: the block engine when swaps carry a Jito tip. */
export function liveRelays(c: AppConfig, rng: Rng): TxRelay[] {
  if (c.execution.jitoTipLamports <= 0) return [];
  if (c.execution.jitoUrl === "") throw new Error("execution.jitoTipLamports > 0 needs execution.jitoUrl (a Jito block engine)");
  return [jitoRelay({ baseUrl: c.execution.jitoUrl, timeoutMs: RPC_TIMEOUT_MS, commitment: c.solana.commitment, rng })];
}

/** A mint whose read failed, or that has no account yet, is read again after this long. */
export const MINT_RETRY_MS = 30_000;

/**
 * The daemon's mint source: with a node to ask (`solana.rpcUrl`, always set live), the feed's
 * mint writes else one RPC read per mint; on the loopback or a recorded market (`feedOnly`: the
 * feed carries every mint it trades) the feed's writes alone.
 */
export function mintSourceFor(
  c: AppConfig,
  o: { readonly feedOnly: boolean; readonly rng: Rng; readonly clock: Clock } & Pick<LiveMintInfoOptions, "onReadFailed" | "onRead">,
): MintInfoShape {
  if (o.feedOnly || c.solana.rpcUrl === "") return makeReplayMintInfo();
  return makeLiveMintInfo({
    rpc: liveRpc(c, o.rng), clock: o.clock, retryAfterMs: MINT_RETRY_MS,
    ...(o.onReadFailed ? { onReadFailed: o.onReadFailed } : {}), ...(o.onRead ? { onRead: o.onRead } : {}),
  });
}
