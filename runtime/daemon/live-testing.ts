/**
 * Test wiring for the daemon's live parts over the loopback world (testkit/jupiter/world.ts): a
 * live-mode config whose RPC, Jupiter and Jito block engine are the world's servers and whose
 * wallet is the world's funded user. Never used by the daemon itself.
 */
import { Effect } from "effect";
import { loadWallet, type Wallet } from "../../chain/signer/keypair.js";
import { seededSecretKey } from "../../testkit/jupiter/pools.js";
import type { LoopbackWorld } from "../../testkit/jupiter/world.js";
import { loadConfig, type AppConfig } from "../../config/index.js";

export async function loopbackLiveConfig(world: LoopbackWorld, dataDir: string, extra: Readonly<Record<string, unknown>> = {}, userLabel = "user"): Promise<AppConfig> {
  const secret = await seededSecretKey(userLabel);
  return loadConfig({
    env: {},
    overrides: {
      dataDir,
      mode: "live",
      "solana.rpcUrl": world.rpc.url,
      "jupiter.baseUrl": world.jupiter.baseUrl,
      "execution.jitoUrl": world.jito.url,
      "wallet.privateKey": JSON.stringify([...secret]),
      ...extra,
    },
  }).config;
}

/** The wallet of such a config, as the daemon hands it to the live executor. */
export const loopbackLiveWallet = (config: AppConfig): Promise<Wallet> => Effect.runPromise(loadWallet({ secret: config.wallet.privateKey }));
