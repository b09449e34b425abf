/**
 * The whole loopback trading world in one call: a LoopbackChain producing blocks on a real tick,
 * the JSON-RPC server over it, the loopback Jupiter, a Jito block engine on the same chain, and
 * a funded user wallet.
 *
 *   const w = await startLoopbackWorld({ blockMs: 5, blockhashValidity: 30 });
 *   const pool = await w.jupiter.pools.create({ sol: 100n * SOL, token: 1_000_000n * 10n ** 6n });
 *   ... executor against w.rpc.url and w.jupiter.baseUrl, wallet w.user ...
 *   await w.close();
 */
import { getAddressFromPublicKey, type Address } from "@solana/kit";
import type { KeyPair } from "../../chain/signer/keypair.js";
import { startBlockEngine, type BlockEngine } from "../jito/block-engine.js";
import { LoopbackChain, type ChainOptions } from "../solana-rpc/chain.js";
import { startSolanaRpcServer, type SolanaRpcServer } from "../solana-rpc/server.js";
import { seededKeyPair } from "./pools.js";
import { startJupiterServer, type JupiterServer } from "./server.js";

export const LAMPORTS_PER_SOL = 1_000_000_000n;

export interface LoopbackWorldOptions extends ChainOptions {
  /** Real milliseconds per block; 0 leaves block production to `chain.advance`. */
  readonly blockMs?: number;
  readonly userLamports?: bigint;
  readonly userLabel?: string;
  readonly jupiterApiKey?: string;
}

export interface LoopbackWorld {
  readonly chain: LoopbackChain;
  readonly rpc: SolanaRpcServer;
  readonly jupiter: JupiterServer;
  readonly jito: BlockEngine;
  readonly user: { readonly address: Address; readonly keyPair: KeyPair };
  close(): Promise<void>;
}

export async function startLoopbackWorld(opts: LoopbackWorldOptions = {}): Promise<LoopbackWorld> {
  const chain = new LoopbackChain(opts);
  const rpc = await startSolanaRpcServer({ chain });
  const jupiter = await startJupiterServer({ chain, ...(opts.jupiterApiKey === undefined ? {} : { apiKey: opts.jupiterApiKey }) });
  const jito = await startBlockEngine({ chain });
  const keyPair = await seededKeyPair(opts.userLabel ?? "user");
  const address = await getAddressFromPublicKey(keyPair.publicKey);
  chain.setLamports(address, opts.userLamports ?? 10n * LAMPORTS_PER_SOL);
  if ((opts.blockMs ?? 5) > 0) chain.startTicker(opts.blockMs ?? 5);
  return {
    chain,
    rpc,
    jupiter,
    jito,
    user: { address, keyPair },
    close: async () => {
      chain.stopTicker();
      await Promise.all([rpc.close(), jupiter.close(), jito.close()]);
    },
  };
}
