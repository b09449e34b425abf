import { afterEach, describe, expect, it } from "vitest";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../../testkit/solana-rpc/programs.js";
import { tokenBalance } from "../../testkit/solana-rpc/spl-setup.js";
import { LAMPORTS_PER_SOL } from "../../testkit/jupiter/world.js";
import { executorContract, failure, filled, run } from "./executor.contract.js";
import { DEFAULT_POOL, openLiveContractWorld, openLiveHarness, type LiveHarness } from "./live-harness.testing.js";

executorContract("live over loopback RPC and Jupiter", openLiveContractWorld);

const SOL = LAMPORTS_PER_SOL;
const buy = (id: string, mint: string, lamports = SOL) => ({ intentId: id, mint, lamports, slippageBps: 100 });

describe("live executor", () => {
  let h: LiveHarness;
  afterEach(async () => {
    await h.close();
  });

  it("books fills from the landed balances, not from the quote", async () => {
    h = await openLiveHarness();
    const before = h.world.chain.lamports(h.world.user.address);
    let quoted = "";
    h.world.jupiter.hooks.afterQuote = async (q) => {
      quoted = String(q["outAmount"]);
      // Another trader buys between our quote and our swap: we get fewer tokens than quoted.
      const r = h.world.jupiter.pools.reserves(h.mint);
      if (r !== undefined) await h.world.jupiter.pools.setReserves(h.mint, { sol: r.sol + SOL / 20n, token: r.token - r.token / 2000n });
      h.world.jupiter.hooks.afterQuote = undefined;
    };
    const fill = filled(await run(h.executor.buy(buy("q1", h.mint))));
    expect(BigInt(quoted)).toBeGreaterThan(fill.tokenDelta);
    expect(fill.tokenDelta).toBe(tokenBalance(h.world.chain, h.world.user.address, h.pool.mint.mint));
    expect(fill.solDelta).toBe(h.world.chain.lamports(h.world.user.address) - before);
    expect(fill.tokenProgram).toBe(TOKEN_PROGRAM);
    expect(fill.tsEvent).toBe(h.world.chain.blockTime(fill.slot) * 1000);
  });

  it("trades Token-2022 tokens like classic SPL ones", async () => {
    h = await openLiveHarness({ pool: { ...DEFAULT_POOL, program: TOKEN_2022_PROGRAM } });
    const b = filled(await run(h.executor.buy(buy("t22-buy", h.mint))));
    expect(b.tokenProgram).toBe(TOKEN_2022_PROGRAM);
    expect((await run(h.executor.tokenBalance(h.mint))).amount).toBe(b.tokenDelta);
    const s = filled(await run(h.executor.sell({ intentId: "t22-sell", mint: h.mint, amount: "all", slippageBps: 100 })));
    expect(s.tokenDelta).toBe(-b.tokenDelta);
    expect(tokenBalance(h.world.chain, h.world.user.address, h.pool.mint.mint)).toBe(0n);
  });

  it("after a restart, asking for a landed intent returns its fill without a new trade", async () => {
    h = await openLiveHarness();
    const first = filled(await run(h.executor.buy(buy("restart-1", h.mint))));
    const quotes = h.world.jupiter.counts.quote;
    const again = filled(await run(h.restart().buy(buy("restart-1", h.mint))));
    expect(again.signature).toBe(first.signature);
    expect(again.tokenDelta).toBe(first.tokenDelta);
    expect(h.world.jupiter.counts.quote).toBe(quotes);
    expect(h.world.chain.landedSignatures()).toHaveLength(1);
  });

  it("journals the signed bytes before the first send", async () => {
    h = await openLiveHarness();
    let journaledAtFirstSend = -1;
    const journal = h.journal;
    const original = h.world.chain.submit.bind(h.world.chain);
    h.world.chain.submit = (bytes) => {
      if (journaledAtFirstSend < 0) journaledAtFirstSend = journal.entries.length;
      return original(bytes);
    };
    const fill = filled(await run(h.executor.buy(buy("j1", h.mint))));
    expect(journaledAtFirstSend).toBe(1);
    const entry = journal.entries[0];
    expect(entry?.signature).toBe(fill.signature);
    expect(entry?.intentId).toBe("j1");
    expect(entry?.lastValidBlockHeight).toBeGreaterThan(0);
  });

  it("sends nothing when the journal cannot record the submission", async () => {
    h = await openLiveHarness();
    h.journal.fail = true;
    const err = await failure(h.executor.buy(buy("j2", h.mint)));
    expect(err._tag).toBe("ExecutorJournalError");
    expect(h.world.rpc.sent).toHaveLength(0);
  });

  it("reads on-chain balances of either token program", async () => {
    h = await openLiveHarness();
    expect(await run(h.executor.solBalance())).toBe(30n * SOL);
    expect((await run(h.executor.tokenBalance(h.mint))).amount).toBe(0n);
  });
});
