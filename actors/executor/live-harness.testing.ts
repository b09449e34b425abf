/**
 * Test wiring for the live executor over the loopback world: fast blocks, millisecond backoff
 * and polling, a memory journal. `restart()` builds a second executor on the same journal and
 * chain, as a process restart would.
 */
import { VirtualClock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { jupiterConfig, makeJupiter, type JupiterConfig } from "../../chain/jupiter/index.js";
import { makeSolanaRpc, type SolanaRpc } from "../../chain/rpc/client.js";
import { FAST_BACKOFF } from "../../chain/rpc/retry.js";
import type { ConfirmOptions } from "../../chain/tx/confirm.js";
import type { NewPool, Pool } from "../../testkit/jupiter/pools.js";
import { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld, type LoopbackWorldOptions } from "../../testkit/jupiter/world.js";
import type { ContractWorld } from "./executor.contract.js";
import type { ExecutorShape } from "./executor.js";
import { makeLiveExecutor } from "./executor.live.js";
import { MemoryJournal } from "./journal.js";

export interface LiveHarness {
  readonly world: LoopbackWorld;
  readonly pool: Pool;
  readonly mint: string;
  readonly rpc: SolanaRpc;
  readonly journal: MemoryJournal;
  readonly executor: ExecutorShape;
  /** A fresh executor (empty memory) on the same journal, chain and servers. */
  restart(): ExecutorShape;
  close(): Promise<void>;
}

export interface LiveHarnessOptions {
  readonly world?: LoopbackWorldOptions;
  readonly pool?: NewPool;
  readonly confirm?: Partial<ConfirmOptions>;
  readonly jupiter?: Partial<JupiterConfig>;
  readonly rpcTimeoutMs?: number;
}

export const FAST_CONFIRM: ConfirmOptions = {
  commitment: "confirmed",
  pollIntervalMs: 5,
  resendEveryPolls: 3,
  skipPreflight: true,
  maxFailedPolls: 10,
  timeoutMs: 10_000,
};

export const DEFAULT_POOL: NewPool = { sol: 100n * LAMPORTS_PER_SOL, token: 1_000_000_000_000n, decimals: 6 };

export async function openLiveHarness(o: LiveHarnessOptions = {}): Promise<LiveHarness> {
  const world = await startLoopbackWorld({ blockMs: 5, blockhashValidity: 40, userLamports: 30n * LAMPORTS_PER_SOL, ...o.world });
  const pool = await world.jupiter.pools.create(o.pool ?? DEFAULT_POOL);
  const rng = seededRng(1);
  const rpc = makeSolanaRpc({ url: world.rpc.url, timeoutMs: o.rpcTimeoutMs ?? 1_000, commitment: "confirmed", rng, backoff: FAST_BACKOFF });
  const jupiter = makeJupiter(jupiterConfig({ baseUrl: world.jupiter.baseUrl, apiKey: "" }, rng, { backoff: FAST_BACKOFF, timeoutMs: 1_000, ...o.jupiter }));
  const journal = new MemoryJournal();
  const make = () =>
    makeLiveExecutor({
      wallet: world.user,
      rpc,
      jupiter,
      journal,
      clock: new VirtualClock(1_700_000_000_000),
      confirm: { ...FAST_CONFIRM, ...o.confirm },
      priority: { level: "veryHigh", maxLamports: 100_000 },
      fetchIntervalMs: 5,
    });
  return { world, pool, mint: pool.mint.mint, rpc, journal, executor: make(), restart: make, close: () => world.close() };
}

/** The contract's view of a live harness. */
export async function openLiveContractWorld(): Promise<ContractWorld> {
  const h = await openLiveHarness();
  return {
    executor: h.executor,
    mint: h.mint,
    decimals: 6,
    reserves: () => {
      const r = h.world.jupiter.pools.reserves(h.mint);
      if (r === undefined) throw new Error("pool vanished");
      return r;
    },
    unknownMint: h.world.chain.newAddress("unknown-mint"),
    close: h.close,
  };
}
