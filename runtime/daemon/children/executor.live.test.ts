/**
 * The executor child in live mode, wired from the config (live-adapters.ts) against the loopback
 * world: the Jito tip and block engine (`execution.jitoTipLamports`, `execution.jitoUrl`) and the
 * attempt bound of every Jupiter request and RPC read (`execution.maxSendAttempts`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import type { ExecutorError, TradeOutcome } from "../../../actors/executor/executor.js";
import { seededRng } from "../../../core/random.js";
import { systemClock } from "../../../core/clock.js";
import { JITO_TIP_ACCOUNTS, tipPaid } from "../../../testkit/jito/tip-accounts.js";
import { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld } from "../../../testkit/jupiter/world.js";
import { computeBudgetOf } from "../../../testkit/solana-rpc/programs.js";
import { tokenBalance } from "../../../testkit/solana-rpc/spl-setup.js";
import { Journal } from "../../journal/journal.js";
import { liveJupiter, liveRpc } from "../live-adapters.js";
import { loopbackLiveConfig, loopbackLiveWallet } from "../live-testing.js";
import { MarketState } from "../market-state.js";
import { executorChild, type ExecutorChild } from "./executor.js";

const SOL = LAMPORTS_PER_SOL;
const TIP = 50_000n;

describe("live executor child", () => {
  let world: LoopbackWorld;
  let dir: string;
  let journal: Journal;
  afterEach(async () => {
    journal.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (extra: Readonly<Record<string, unknown>>): Promise<{ exec: ExecutorChild; mint: string }> => {
    world = await startLoopbackWorld({ blockMs: 5, userLamports: 30n * SOL });
    dir = mkdtempSync(join(tmpdir(), "alphagpt-live-exec-"));
    const pool = await world.jupiter.pools.create({ sol: 100n * SOL, token: 1_000_000_000_000n, decimals: 6 });
    const config = await loopbackLiveConfig(world, dir, extra);
    journal = Journal.open(":memory:");
    const exec = executorChild({ config, journal, clock: systemClock, market: new MarketState().simMarket(), paperStartSol: 0, wallet: await loopbackLiveWallet(config) });
    await exec.factory.start({ crashed: (e) => { throw e; } });
    return { exec, mint: pool.mint.mint };
  };
  const run = <A>(e: Effect.Effect<A, ExecutorError>) => Effect.runPromise(Effect.result(e));

  it("with a Jito tip, the swap pays a tip account, goes to the block engine too, and the fill includes the tip", async () => {
    const { exec, mint } = await open({ "execution.jitoTipLamports": Number(TIP) });
    // The RPC loses every send: only the block engine can land the swap.
    world.rpc.faults.dropSends = true;
    const before = world.chain.lamports(world.user.address);
    const r = await run(exec.gateway.buy({ intentId: "jito-1", mint, lamports: SOL, slippageBps: 100 }));
    if (r._tag !== "Success" || r.success._tag !== "Filled") throw new Error(`expected a fill, got ${JSON.stringify(r)}`);
    const fill = (r.success as Extract<TradeOutcome, { _tag: "Filled" }>).fill;

    expect(world.jito.landed).toEqual([fill.signature]);
    expect(world.rpc.sent).toContain(fill.signature);
    const landed = world.chain.transaction(fill.signature);
    if (landed === undefined) throw new Error("not on chain");
    expect(tipPaid(landed.tx)).toBe(TIP);
    // One priority-fee field: the tip replaced the compute-unit price.
    expect(computeBudgetOf(landed.tx.instructions).microLamports).toBe(0n);
    const rent = world.chain.svm.minimumBalanceForRentExemption(0n);
    const tips = JITO_TIP_ACCOUNTS.reduce((s, a) => s + world.chain.lamports(a), 0n) - rent * BigInt(JITO_TIP_ACCOUNTS.length);
    expect(tips).toBe(TIP);

    // Booked from the landed balances: the SOL spent is the swap, the fee, the tip and the token account's rent.
    expect(fill.solDelta).toBe(world.chain.lamports(world.user.address) - before);
    const ataRent = world.chain.svm.minimumBalanceForRentExemption(165n);
    expect(-fill.solDelta).toBe(SOL + fill.feeLamports + TIP + ataRent);
    expect(fill.tokenDelta).toBe(tokenBalance(world.chain, world.user.address, fill.mint as never));
  });

  it("a block engine that fails or refuses never fails the trade: the RPC lands it", async () => {
    const { exec, mint } = await open({ "execution.jitoTipLamports": Number(TIP) });
    world.jito.faults.script("sendTransaction", "http5xx", "http429", "http5xx", "http429");
    const r = await run(exec.gateway.buy({ intentId: "jito-down", mint, lamports: SOL, slippageBps: 100 }));
    expect(r._tag === "Success" && r.success._tag).toBe("Filled");
    expect(world.jito.landed).toEqual([]);
  });

  it("without a tip, nothing goes to the block engine", async () => {
    const { exec, mint } = await open({});
    const r = await run(exec.gateway.buy({ intentId: "rpc-1", mint, lamports: SOL, slippageBps: 100 }));
    expect(r._tag === "Success" && r.success._tag).toBe("Filled");
    expect(world.jito.received).toEqual([]);
  });

  it("maxSendAttempts bounds every RPC read and Jupiter request: N-1 transient failures pass, N fail", async () => {
    const { exec, mint } = await open({ "execution.maxSendAttempts": 3 });
    const balances = () => world.rpc.calls.filter((m) => m === "getBalance").length;

    world.rpc.faults.script("getBalance", "http5xx", "http429");
    const got = await run(exec.gateway.solBalance());
    expect(got._tag === "Success" && got.success).toBe(30n * SOL);
    expect(balances()).toBe(3);

    world.rpc.faults.script("getBalance", "http5xx", "http5xx", "http5xx");
    const e = await run(exec.gateway.solBalance());
    expect(e._tag === "Failure" && e.failure._tag === "ExecutorUnavailableError" && e.failure.system).toBe("rpc");
    expect(balances()).toBe(6);

    world.jupiter.faults.script("quote", "http429", "http5xx");
    const ok = await run(exec.gateway.buy({ intentId: "a-1", mint, lamports: SOL, slippageBps: 100 }));
    expect(ok._tag === "Success" && ok.success._tag).toBe("Filled");
    expect(world.jupiter.counts.quote).toBe(3);

    world.jupiter.faults.script("quote", "http429", "http429", "http429");
    const no = await run(exec.gateway.buy({ intentId: "a-2", mint, lamports: SOL, slippageBps: 100 }));
    expect(no._tag === "Failure" && no.failure._tag === "ExecutorUnavailableError" && no.failure.system).toBe("jupiter");
    expect(world.jupiter.counts.quote).toBe(6);
  });

  it("the adapters fail with their own tagged errors once the attempts are spent", async () => {
    await open({ "execution.maxSendAttempts": 2 });
    const config = await loopbackLiveConfig(world, dir, { "execution.maxSendAttempts": 2 });
    const rpc = liveRpc(config, seededRng(1));
    world.rpc.faults.script("getAccountInfo", "http5xx", "http5xx");
    const r = await Effect.runPromise(Effect.result(rpc.getAccountInfo(world.user.address)));
    expect(r._tag === "Failure" && r.failure._tag).toBe("RpcUnavailableError");
    world.jupiter.faults.script("quote", "http429", "http429");
    const q = await Effect.runPromise(Effect.result(liveJupiter(config, seededRng(1)).requestQuote({ inputMint: "So11111111111111111111111111111111111111112", outputMint: world.user.address, amount: 1n, slippageBps: 1 })));
    expect(q._tag === "Failure" && q.failure._tag).toBe("JupiterRateLimitedError");
    expect(world.jupiter.counts.quote).toBe(2);
  });
});
