import { getCompiledTransactionMessageDecoder, getTransactionDecoder } from "@solana/kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixtureJson } from "../fixtures/load.js";
import { NATIVE_MINT } from "../solana-rpc/programs.js";
import { tokenBalance } from "../solana-rpc/spl-setup.js";
import type { Pool } from "./pools.js";
import { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld } from "./world.js";

const SOL = LAMPORTS_PER_SOL;

function keysOf(v: unknown): string[] {
  return Object.keys(v as object).sort();
}

describe("loopback Jupiter", () => {
  let w: LoopbackWorld;
  let pool: Pool;
  const get = (path: string, headers: Record<string, string> = { "x-api-key": "k" }) => fetch(`${w.jupiter.baseUrl}${path}`, { headers });
  const quote = async (amount: bigint, inputMint: string = NATIVE_MINT, outputMint: string = pool.mint.mint) =>
    (await get(`/quote?inputMint=${inputMint}&outputMint=${outputMint}&amount=${amount}&slippageBps=100`)).json() as Promise<Record<string, unknown>>;
  const swap = (body: Record<string, unknown>) =>
    fetch(`${w.jupiter.baseUrl}/swap`, { method: "POST", headers: { "x-api-key": "k" }, body: JSON.stringify(body) });

  beforeEach(async () => {
    w = await startLoopbackWorld({ blockMs: 0, jupiterApiKey: "k" });
    pool = await w.jupiter.pools.create({ sol: 100n * SOL, token: 10n ** 12n });
  });
  afterEach(async () => {
    await w.close();
  });

  it("quotes in the documented shape at the pool's constant-product price", async () => {
    const q = await quote(SOL);
    expect(keysOf(q)).toEqual(keysOf(fixtureJson("jupiter/cyhole_get_quote_base.json")));
    const step = (q["routePlan"] as { swapInfo: unknown }[])[0];
    expect(keysOf(step?.swapInfo)).toEqual(keysOf((fixtureJson<{ routePlan: { swapInfo: unknown }[] }>("jupiter/cyhole_get_quote_base.json").routePlan[0])?.swapInfo));
    // 1 SOL into 100 SOL / 1e12 units at 25 bps: 1e12 * 0.9975e9 / 100.9975e9.
    expect(q["outAmount"]).toBe(((10n ** 12n * 997_500_000n) / 100_997_500_000n).toString());
  });

  it("answers no route with the documented body, and 401 without the API key", async () => {
    const res = await get(`/quote?inputMint=${NATIVE_MINT}&outputMint=${w.chain.newAddress("x")}&amount=1&slippageBps=1`);
    expect([res.status, await res.json()]).toEqual([400, fixtureJson("jupiter/error.quote.no_route.json")]);
    expect((await get(`/quote?inputMint=${NATIVE_MINT}&outputMint=${pool.mint.mint}&amount=1&slippageBps=1`, {})).status).toBe(401);
  });

  it("refuses both priority-fee fields at once (upstream §17 C6)", async () => {
    const res = await swap({ quoteResponse: await quote(SOL), userPublicKey: w.user.address, computeUnitPriceMicroLamports: "auto", prioritizationFeeLamports: "auto" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/mutually exclusive/);
  });

  it("builds a v0 swap: the user pays the fee with an empty signature slot, the pool's side is pre-signed", async () => {
    const res = await swap({ quoteResponse: await quote(SOL), userPublicKey: w.user.address, dynamicComputeUnitLimit: true, prioritizationFeeLamports: 10_000 });
    const body = (await res.json()) as { swapTransaction: string; lastValidBlockHeight: number; computeUnitLimit: number };
    expect(keysOf(body)).toEqual(expect.arrayContaining(keysOf(fixtureJson("jupiter/cyhole_post_swap.json"))));
    const tx = getTransactionDecoder().decode(Buffer.from(body.swapTransaction, "base64"));
    const msg = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
    expect(msg.version).toBe(0);
    expect(msg.staticAccounts[0]).toBe(w.user.address);
    const sigs = Object.entries(tx.signatures);
    expect(sigs[0]).toEqual([w.user.address, null]);
    expect(sigs.slice(1).every(([, s]) => s !== null)).toBe(true);
    expect(sigs.map(([a]) => a)).toContain(pool.authorityAddress);
    expect(body.lastValidBlockHeight).toBe(w.chain.latestBlockhash().lastValidBlockHeight);
    expect(body.computeUnitLimit).toBe(120_000);
  });

  it("setReserves moves the market that quotes and the chain see", async () => {
    await w.jupiter.pools.setReserves(pool.mint.mint, { sol: 50n * SOL, token: 2n * 10n ** 12n });
    expect(w.jupiter.pools.reserves(pool.mint.mint)).toEqual({ sol: 50n * SOL, token: 2n * 10n ** 12n, feeBps: 25 });
    expect(tokenBalance(w.chain, pool.authorityAddress, pool.mint.mint)).toBe(2n * 10n ** 12n);
    expect(BigInt(String((await quote(SOL))["outAmount"]))).toBeGreaterThan(38n * 10n ** 9n);
  });

  it("scripted faults: zero output, 429 with Retry-After, malformed", async () => {
    w.jupiter.faults.retryAfterS = 3;
    w.jupiter.faults.script("quote", "zeroOut", "http429", "malformedJson");
    expect((await quote(SOL))["outAmount"]).toBe("0");
    const limited = await get(`/quote?inputMint=${NATIVE_MINT}&outputMint=${pool.mint.mint}&amount=1&slippageBps=1`);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
    await expect(quote(SOL)).rejects.toThrow();
    expect(w.jupiter.counts.quote).toBe(3);
  });
});
