/**
 * What the daemon checks before it starts anything. Configuration a restart cannot fix (a missing
 * endpoint, a key that does not decode, an empty universe) would only make a child crash in a
 * loop, so the daemon refuses to start instead: `alphagpt start` exits 2 on a `DaemonConfigError`.
 */
import { Data, Effect } from "effect";
import { keySourceFromConfig, loadWallet, type Wallet } from "../../chain/signer/keypair.js";
import { keyDocs, type AppConfig } from "../../config/index.js";
import { watchList } from "../ingest/watch.js";
import type { Storage } from "../storage/storage.js";

/** The configuration (or the data it points at) cannot run the daemon; the message says what to set. */
export class DaemonConfigError extends Data.TaggedError("DaemonConfigError")<{ readonly message: string }> {}

const bad = (message: string) => new DaemonConfigError({ message });

/** `wallet.privateKey (ALPHAGPT_WALLET_PRIVATE_KEY or SOLANA_PRIVATE_KEY)`: the key and its variables. */
const named = (key: string): string => `${key} (${keyDocs[key]?.env.join(" or ") ?? ""})`;

/**
 * Live mode's settings, and its wallet decoded by the signer's own loader. The wallet is returned
 * for the executor, so the key is decoded once; no error carries any of its text.
 */
export async function checkLiveConfig(config: AppConfig): Promise<Wallet> {
  if (config.geyser.endpoint === "") throw bad(`live mode needs a market feed: set ${named("geyser.endpoint")}`);
  if (config.solana.rpcUrl === "") throw bad(`live mode needs ${named("solana.rpcUrl")}`);
  if (config.execution.jitoTipLamports > 0 && config.execution.jitoUrl === "") {
    throw bad(`execution.jitoTipLamports > 0 needs ${named("execution.jitoUrl")}: a Jito block engine`);
  }
  const source = keySourceFromConfig(config.wallet);
  if (source === null) throw bad(`live mode needs a wallet: ${named("wallet.keypairPath")} or ${named("wallet.privateKey")}`);
  const loaded = await Effect.runPromise(Effect.result(loadWallet(source)));
  if (loaded._tag === "Failure") throw bad(`${named("path" in source ? "wallet.keypairPath" : "wallet.privateKey")} is unusable: ${loaded.failure.message}`);
  return loaded.success;
}

/** Live ingest watches the tokens table; empty, there is nothing to trade until a sync fills it. */
export async function checkLiveUniverse(storage: Pick<Storage, "query">): Promise<void> {
  if ((await watchList(storage, [], 1)).length === 0) {
    throw bad("live mode has nothing to watch: the tokens table is empty; run `alphagpt sync` first (it needs birdeye.apiKey)");
  }
}
