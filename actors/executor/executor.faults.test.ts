/** The live executor under venue and node failures: every case ends in a correct, typed outcome. */
import { afterEach, describe, expect, it } from "vitest";
import { LAMPORTS_PER_SOL } from "../../testkit/jupiter/world.js";
import { tokenBalance } from "../../testkit/solana-rpc/spl-setup.js";
import { failure, filled, run } from "./executor.contract.js";
import { openLiveHarness, type LiveHarness } from "./live-harness.testing.js";

const SOL = LAMPORTS_PER_SOL;
const buy = (id: string, mint: string) => ({ intentId: id, mint, lamports: SOL, slippageBps: 100 });
const distinct = (xs: readonly string[]) => new Set(xs).size;

describe("live executor: failed and refused trades", () => {
  let h: LiveHarness;
  afterEach(async () => {
    await h.close();
  });

  it("reports a swap that landed with err (pool moved past slippage) as Failed, not filled", async () => {
    h = await openLiveHarness();
    const lamports0 = h.world.chain.lamports(h.world.user.address);
    h.world.jupiter.hooks.afterSwap = async () => {
      // A whale buys after our swap was built and before it lands: the price runs away.
      const r = h.world.jupiter.pools.reserves(h.mint);
      if (r !== undefined) await h.world.jupiter.pools.setReserves(h.mint, { sol: r.sol * 2n, token: r.token / 2n });
      h.world.jupiter.hooks.afterSwap = undefined;
    };
    const out = await run(h.executor.buy(buy("slip", h.mint)));
    if (out._tag !== "Failed") throw new Error(`expected Failed, got ${out._tag}`);
    expect(out.err).toEqual({ InstructionError: [expect.any(Number), { Custom: 0 }] });
    expect(out.feeLamports).toBeGreaterThan(0n);
    expect(h.world.chain.lamports(h.world.user.address)).toBe(lamports0 - out.feeLamports);
    expect(tokenBalance(h.world.chain, h.world.user.address, h.pool.mint.mint)).toBe(0n);
    expect(h.world.jupiter.tickets.failed).toBe(1);
    // The landed failure is the intent's outcome; a new intent trades again.
    expect((await run(h.executor.buy(buy("slip", h.mint))))._tag).toBe("Failed");
    filled(await run(h.executor.buy(buy("slip-2", h.mint))));
  });

  it("rejects a quote with zero output before any swap is built", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.script("quote", "zeroOut");
    expect((await failure(h.executor.buy(buy("z", h.mint))))._tag).toBe("ExecutorZeroOutputError");
    expect(h.world.jupiter.counts.swap).toBe(0);
    expect(h.world.rpc.sent).toHaveLength(0);
  });

  it("turns malformed Jupiter answers into ExecutorDecodeError and sends nothing", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.script("quote", "malformedJson");
    const a = await failure(h.executor.buy(buy("m1", h.mint)));
    h.world.jupiter.faults.script("swap", "wrongShape");
    const b = await failure(h.executor.buy(buy("m2", h.mint)));
    expect([a._tag, b._tag]).toEqual(["ExecutorDecodeError", "ExecutorDecodeError"]);
    expect(a.message).toMatch(/jupiter quote: body is not JSON/);
    expect(b.message).toMatch(/jupiter swap: unexpected body/);
    expect(h.world.rpc.sent).toHaveLength(0);
  });

  it("maps venue refusals: no route, not tradable, failed simulation", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.script("quote", "noRoute", "notTradable");
    h.world.jupiter.faults.script("swap", "simulationError");
    const tags = [];
    for (const id of ["r1", "r2", "r3"]) {
      const e = await failure(h.executor.buy(buy(id, h.mint)));
      tags.push(e._tag === "ExecutorRejectedError" ? e.code : e._tag);
    }
    expect(tags).toEqual(["ExecutorNoRouteError", "TOKEN_NOT_TRADABLE", "SIMULATION_ERROR"]);
    expect(h.world.rpc.sent).toHaveLength(0);
  });

  it("sends the x-api-key header and reports a wrong key as a rejection", async () => {
    h = await openLiveHarness({ world: { jupiterApiKey: "k-123" }, jupiter: { apiKey: "wrong" } });
    const e = await failure(h.executor.buy(buy("k", h.mint)));
    expect(e._tag === "ExecutorRejectedError" && e.code).toBe("JUPITER_AUTH");
    await h.close();
    h = await openLiveHarness({ world: { jupiterApiKey: "k-123" }, jupiter: { apiKey: "k-123" } });
    filled(await run(h.executor.buy(buy("k", h.mint))));
  });
});

describe("live executor: retries", () => {
  let h: LiveHarness;
  afterEach(async () => {
    await h.close();
  });

  it("retries 429 and 5xx from Jupiter and then trades", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.script("quote", "http429", "http429");
    h.world.jupiter.faults.script("swap", "http5xx");
    filled(await run(h.executor.buy(buy("r", h.mint))));
    expect(h.world.jupiter.counts).toEqual({ quote: 3, swap: 2 });
  });

  it("gives up after the retry cap with ExecutorUnavailableError", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.script("quote", ...Array<"http429">(6).fill("http429"));
    const e = await failure(h.executor.buy(buy("r", h.mint)));
    expect(e._tag === "ExecutorUnavailableError" && e.system).toBe("jupiter");
    expect(h.world.jupiter.counts.quote).toBe(6);
  });

  it("does not sleep through a Retry-After longer than the policy allows", async () => {
    h = await openLiveHarness();
    h.world.jupiter.faults.retryAfterS = 60;
    h.world.jupiter.faults.script("quote", "http429");
    const e = await failure(h.executor.buy(buy("r", h.mint)));
    expect(e._tag === "ExecutorUnavailableError" && e.retryAfterMs).toBe(60_000);
    expect(h.world.jupiter.counts.quote).toBe(1);
  });
});

describe("live executor: unknown outcomes and expiry", () => {
  let h: LiveHarness;
  afterEach(async () => {
    await h.close();
  });

  it("an RPC that times out on send but lands the transaction resolves as landed: no second buy", async () => {
    h = await openLiveHarness({ rpcTimeoutMs: 100 });
    h.world.rpc.faults.script("sendTransaction", "landThenTimeout");
    const fill = filled(await run(h.executor.buy(buy("t", h.mint))));
    expect(h.world.chain.landedSignatures()).toEqual([fill.signature]);
    expect(distinct(h.world.rpc.sent)).toBe(1);
    expect(tokenBalance(h.world.chain, h.world.user.address, h.pool.mint.mint)).toBe(fill.tokenDelta);
  });

  it("tolerates malformed status and transaction answers while confirming", async () => {
    h = await openLiveHarness();
    h.world.rpc.faults.script("getSignatureStatuses", "malformedJson", "wrongShape");
    h.world.rpc.faults.script("getTransaction", "malformedJson");
    filled(await run(h.executor.buy(buy("m", h.mint))));
  });

  it("a malformed RPC answer before sending is a clear error and nothing is sent", async () => {
    h = await openLiveHarness();
    h.world.rpc.faults.script("getTokenAccountsByOwner", "wrongShape");
    const e = await failure(h.executor.sell({ intentId: "s", mint: h.mint, amount: "all", slippageBps: 100 }));
    expect(e._tag === "ExecutorDecodeError" && e.system).toBe("rpc");
    expect(h.world.rpc.sent).toHaveLength(0);
  });

  it("an expired blockhash resolves as Expired, and only then is a new signature made", async () => {
    h = await openLiveHarness();
    h.world.rpc.faults.dropSends = true;
    const out = await run(h.executor.buy(buy("e", h.mint)));
    if (out._tag !== "Expired") throw new Error(`expected Expired, got ${out._tag}`);
    expect(out.blockHeight).toBeGreaterThan(out.submission.lastValidBlockHeight);
    expect(h.world.rpc.sent.length).toBeGreaterThan(1); // resent while valid...
    expect(distinct(h.world.rpc.sent)).toBe(1); // ...always the same bytes
    h.world.rpc.faults.dropSends = false;
    const fill = filled(await run(h.executor.buy(buy("e", h.mint))));
    expect(fill.signature).not.toBe(out.submission.signature);
    expect(h.world.chain.landedSignatures()).toEqual([fill.signature]);
  });

  it("an unreachable RPC after sending gives ExecutorUnknownOutcomeError; asking again resolves, never re-signs", async () => {
    // A long blockhash life: the point is that the submission is still valid when asked again.
    h = await openLiveHarness({ confirm: { maxFailedPolls: 2 }, world: { blockhashValidity: 2_000 } });
    h.world.rpc.faults.script("getSignatureStatuses", ...Array<"http5xx">(12).fill("http5xx"));
    const e = await failure(h.executor.buy(buy("u", h.mint)));
    if (e._tag !== "ExecutorUnknownOutcomeError") throw new Error(`expected unknown outcome, got ${e._tag}`);
    expect(h.world.chain.landedSignatures()).toEqual([e.submission.signature]);
    const again = filled(await run(h.executor.buy(buy("u", h.mint))));
    expect(again.signature).toBe(e.submission.signature);
    expect(distinct(h.world.rpc.sent)).toBe(1);
    // A restarted process resolves the journaled submission the same way.
    expect(filled(await run(h.restart().resolve(e.submission))).signature).toBe(e.submission.signature);
  });

  it("after a restart, a pending intent is resolved from the journal before anything is re-signed", async () => {
    h = await openLiveHarness({ confirm: { maxFailedPolls: 2 }, world: { blockhashValidity: 2_000 } });
    h.world.rpc.faults.dropSends = true;
    h.world.rpc.faults.script("getSignatureStatuses", ...Array<"http5xx">(12).fill("http5xx"));
    const e = await failure(h.executor.buy(buy("p", h.mint)));
    expect(e._tag).toBe("ExecutorUnknownOutcomeError");
    h.world.rpc.faults.dropSends = false;
    // The old bytes are still valid: the restarted executor resends them rather than signing anew.
    const fill = filled(await run(h.restart().buy(buy("p", h.mint))));
    expect(fill.signature).toBe(h.journal.entries[0]?.signature);
    expect(h.journal.entries).toHaveLength(1);
  });
});
