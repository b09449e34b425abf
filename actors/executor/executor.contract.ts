/**
 * The executor contract, run unchanged against the live executor (over the loopback RPC and
 * Jupiter) and the simulated one: what any implementation must do with buys, sells, repeats,
 * resolves and the trades it must refuse.
 */
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cpOut, type PoolReserves } from "./cpmm.js";
import type { ExecutorError, ExecutorShape, TradeOutcome } from "./executor.js";

export interface ContractWorld {
  readonly executor: ExecutorShape;
  /** A token with a SOL pool. */
  readonly mint: string;
  readonly decimals: number;
  /** The pool as it is now. */
  readonly reserves: () => PoolReserves;
  /** A mint nobody quotes. */
  readonly unknownMint: string;
  readonly close: () => Promise<void>;
}

const SOL = 1_000_000_000n;

export const run = <A>(eff: Effect.Effect<A, ExecutorError>): Promise<A> => Effect.runPromise(eff);

/** The typed failure of `eff`; rejects when it succeeds or dies. */
export const failure = (eff: Effect.Effect<unknown, ExecutorError>): Promise<ExecutorError> => Effect.runPromise(Effect.flip(eff));

export function filled(out: TradeOutcome) {
  if (out._tag !== "Filled") throw new Error(`expected Filled, got ${out._tag}${out._tag === "Failed" ? `: ${out.reason}` : ""}`);
  return out.fill;
}

export function executorContract(name: string, open: () => Promise<ContractWorld>): void {
  describe(`executor contract: ${name}`, () => {
    let w: ContractWorld;
    beforeEach(async () => {
      w = await open();
    });
    afterEach(async () => {
      await w.close();
    });

    it("books a buy from balance changes at the pool's constant-product price", async () => {
      const before = w.reserves();
      const fill = filled(await run(w.executor.buy({ intentId: "b1", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      expect(fill.side).toBe("buy");
      expect(fill.tokenDelta).toBe(cpOut(before.sol, before.token, SOL, before.feeBps));
      expect(fill.solDelta).toBeLessThanOrEqual(-SOL - fill.feeLamports);
      expect(fill.feeLamports).toBeGreaterThan(0n);
      expect(fill.decimals).toBe(w.decimals);
      expect((await run(w.executor.tokenBalance(w.mint))).amount).toBe(fill.tokenDelta);
      expect(w.reserves().sol).toBe(before.sol + SOL);
    });

    it("sells everything held and receives SOL; the round trip costs fees and impact", async () => {
      const sol0 = await run(w.executor.solBalance());
      const buy = filled(await run(w.executor.buy({ intentId: "b1", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      const sell = filled(await run(w.executor.sell({ intentId: "s1", mint: w.mint, amount: "all", slippageBps: 100 })));
      expect(sell.side).toBe("sell");
      expect(sell.tokenDelta).toBe(-buy.tokenDelta);
      expect(sell.solDelta).toBeGreaterThan(0n);
      expect((await run(w.executor.tokenBalance(w.mint))).amount).toBe(0n);
      const sol1 = await run(w.executor.solBalance());
      expect(sol1).toBe(sol0 + buy.solDelta + sell.solDelta);
      expect(sol1).toBeLessThan(sol0);
    });

    it("sells a given amount", async () => {
      const buy = filled(await run(w.executor.buy({ intentId: "b1", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      const half = buy.tokenDelta / 2n;
      const sell = filled(await run(w.executor.sell({ intentId: "s1", mint: w.mint, amount: half, slippageBps: 100 })));
      expect(sell.tokenDelta).toBe(-half);
      expect((await run(w.executor.tokenBalance(w.mint))).amount).toBe(buy.tokenDelta - half);
    });

    it("trades an intent once: asking again returns the same outcome", async () => {
      const a = filled(await run(w.executor.buy({ intentId: "once", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      const b = filled(await run(w.executor.buy({ intentId: "once", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      expect(b.signature).toBe(a.signature);
      expect((await run(w.executor.tokenBalance(w.mint))).amount).toBe(a.tokenDelta);
    });

    it("resolves a filled submission to its fill", async () => {
      const out = await run(w.executor.buy({ intentId: "r1", mint: w.mint, lamports: SOL, slippageBps: 100 }));
      const again = await run(w.executor.resolve(out.submission));
      expect(filled(again).signature).toBe(filled(out).signature);
      expect(filled(again).tokenDelta).toBe(filled(out).tokenDelta);
    });

    it("a bigger buy pays a worse price (impact)", async () => {
      const small = filled(await run(w.executor.buy({ intentId: "s", mint: w.mint, lamports: SOL / 10n, slippageBps: 100 })));
      const big = filled(await run(w.executor.buy({ intentId: "b", mint: w.mint, lamports: 10n * SOL, slippageBps: 500 })));
      const price = (f: typeof small) => Number(-f.solDelta) / Number(f.tokenDelta);
      expect(price(big)).toBeGreaterThan(price(small));
    });

    it("refuses a mint without a route", async () => {
      const err = await failure(w.executor.buy({ intentId: "x", mint: w.unknownMint, lamports: SOL, slippageBps: 100 }));
      expect(err._tag).toBe("ExecutorNoRouteError");
    });

    it("refuses a trade with zero output", async () => {
      const err = await failure(w.executor.buy({ intentId: "z", mint: w.mint, lamports: 1n, slippageBps: 100 }));
      expect(err._tag).toBe("ExecutorZeroOutputError");
      expect((await run(w.executor.tokenBalance(w.mint))).amount).toBe(0n);
    });

    it("refuses to sell all of nothing, or more than held", async () => {
      const none = await failure(w.executor.sell({ intentId: "n", mint: w.mint, amount: "all", slippageBps: 100 }));
      expect(none._tag).toBe("ExecutorInsufficientFundsError");
      const b = filled(await run(w.executor.buy({ intentId: "b", mint: w.mint, lamports: SOL, slippageBps: 100 })));
      const more = await failure(w.executor.sell({ intentId: "m", mint: w.mint, amount: b.tokenDelta + 1n, slippageBps: 100 }));
      expect(more).toMatchObject({ _tag: "ExecutorInsufficientFundsError", available: b.tokenDelta });
    });

    it("refuses a buy the wallet cannot pay", async () => {
      const have = await run(w.executor.solBalance());
      const err = await failure(w.executor.buy({ intentId: "rich", mint: w.mint, lamports: have, slippageBps: 100 }));
      expect(err._tag).toBe("ExecutorInsufficientFundsError");
      expect(await run(w.executor.solBalance())).toBe(have);
    });
  });
}
