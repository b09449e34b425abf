import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import type { PoolReserves } from "./cpmm.js";
import { executorContract, failure, filled, run } from "./executor.contract.js";
import { makeSimExecutor, type SimExecutorOptions } from "./executor.sim.js";

const SOL = 1_000_000_000n;
const MINT = "Meme111111111111111111111111111111111111111";

function simWorld(overrides: Partial<SimExecutorOptions> = {}) {
  const pools = new Map<string, PoolReserves>([[MINT, { sol: 100n * SOL, token: 1_000_000_000_000n, feeBps: 25 }]]);
  const executor = makeSimExecutor({
    market: { pool: (m) => pools.get(m), decimals: () => 6, onTrade: (m, after) => pools.set(m, after) },
    clock: new VirtualClock(1_000),
    startLamports: 30n * SOL,
    ...overrides,
  });
  return { executor, pools };
}

executorContract("simulated", async () => {
  const { executor, pools } = simWorld({ tokenAccountRentLamports: 2_039_280n });
  return {
    executor,
    mint: MINT,
    decimals: 6,
    reserves: () => pools.get(MINT) as PoolReserves,
    unknownMint: "Unknown11111111111111111111111111111111111",
    close: async () => {},
  };
});

describe("simulated executor", () => {
  it("charges the network fee and first-buy rent like the live path", async () => {
    const { executor } = simWorld({ networkFeeLamports: 15_000n, tokenAccountRentLamports: 2_039_280n });
    const a = filled(await run(executor.buy({ intentId: "a", mint: MINT, lamports: SOL, slippageBps: 50 })));
    const b = filled(await run(executor.buy({ intentId: "b", mint: MINT, lamports: SOL, slippageBps: 50 })));
    expect(a.solDelta).toBe(-SOL - 15_000n - 2_039_280n);
    expect(b.solDelta).toBe(-SOL - 15_000n);
  });

  it("refuses a buy the paper wallet cannot pay", async () => {
    const { executor } = simWorld({ startLamports: SOL / 2n });
    const err = await failure(executor.buy({ intentId: "a", mint: MINT, lamports: SOL, slippageBps: 50 }));
    expect(err._tag).toBe("ExecutorInsufficientFundsError");
  });

  it("leaves the market alone when no onTrade is given (replay on recorded prices)", async () => {
    const pools = new Map<string, PoolReserves>([[MINT, { sol: 100n * SOL, token: 1_000_000_000_000n, feeBps: 25 }]]);
    const executor = makeSimExecutor({ market: { pool: (m) => pools.get(m), decimals: () => 6 }, clock: new VirtualClock(0), startLamports: 10n * SOL });
    const a = filled(await run(executor.buy({ intentId: "a", mint: MINT, lamports: SOL, slippageBps: 50 })));
    const b = filled(await run(executor.buy({ intentId: "b", mint: MINT, lamports: SOL, slippageBps: 50 })));
    expect(b.tokenDelta).toBe(a.tokenDelta);
  });

  it("resolves a signature it never made as expired", async () => {
    const { executor } = simWorld();
    const sub = { intentId: "x", side: "buy" as const, mint: MINT, signature: "1".repeat(64), signedBytes: new Uint8Array(), blockhash: "b", lastValidBlockHeight: 0 };
    expect((await run(executor.resolve(sub)))._tag).toBe("Expired");
  });
});
