import { Effect, Schema } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { fixtureJson, fixtureText } from "../../testkit/fixtures/load.js";
import { startJupiterServer, type JupiterServer } from "../../testkit/jupiter/server.js";
import { LoopbackChain } from "../../testkit/solana-rpc/chain.js";
import { FAST_BACKOFF } from "../rpc/retry.js";
import { fromHttpStatus, jupiterConfig, makeJupiter, priorityFromConfig, swapRequestBody, type Jupiter, type JupiterError, type Quote } from "./index.js";
import { parseQuote, parseSwap } from "./parse.js";
import { QuoteResponse, SwapResponse } from "./wire.js";

const SOL_MINT = "So11111111111111111111111111111111111111112";
const JUP = "JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN";
const quoteFixture = () => fixtureJson<Record<string, unknown>>("jupiter/cyhole_get_quote_base.json");
const req = { inputMint: SOL_MINT, outputMint: JUP, amount: 1000n, slippageBps: 50 };
const mints = { inputMint: SOL_MINT, outputMint: JUP };

describe("quote and swap payloads (jupiter/ fixtures)", () => {
  it("parses the recorded quote: string amounts as bigint, the raw body kept for /swap", () => {
    const raw = quoteFixture();
    const q = parseQuote(req, Schema.decodeUnknownSync(QuoteResponse)(raw), raw) as Quote;
    expect(q).toMatchObject({ inAmount: 1000n, outAmount: 318n, minOutAmount: 317n, slippageBps: 50, priceImpact: 0, contextSlot: 328700578 });
    expect(q.routeLabels).toEqual(["Stabble Weighted Swap", "ZeroFi"]);
    expect(q.raw).toBe(raw);
  });

  it("refuses a quote with zero output, or one that answers another question", () => {
    const zero = { ...quoteFixture(), outAmount: "0", otherAmountThreshold: "0" };
    expect((parseQuote(req, Schema.decodeUnknownSync(QuoteResponse)(zero), zero) as JupiterError)._tag).toBe("JupiterZeroOutputError");
    const raw = quoteFixture();
    const other = parseQuote({ ...req, amount: 999n }, Schema.decodeUnknownSync(QuoteResponse)(raw), raw) as JupiterError;
    expect(other._tag).toBe("JupiterDecodeError");
  });

  it("decodes the recorded swap: a 822-byte v0 transaction and its lastValidBlockHeight", () => {
    const raw = fixtureJson("jupiter/cyhole_post_swap.json");
    const s = parseSwap(Schema.decodeUnknownSync(SwapResponse)(raw), raw);
    expect("_tag" in s).toBe(false);
    if ("_tag" in s) return;
    expect(s.transaction.length).toBe(822);
    expect(s.transaction[65]).toBe(0x80);
    expect(s.lastValidBlockHeight).toBe(306953443);
    expect(s.prioritizationFeeLamports).toBe(99999);
  });

  it("classifies error replies", () => {
    const reply = (status: number, text = "", retryAfterMs?: number) => ({ status, text, retryAfterMs });
    expect(fromHttpStatus("quote", reply(400, fixtureText("jupiter/error.quote.no_route.json")), mints)?._tag).toBe("JupiterNoRouteError");
    expect(fromHttpStatus("quote", reply(429, "", 2000), mints)).toMatchObject({ _tag: "JupiterRateLimitedError", retryAfterMs: 2000 });
    expect(fromHttpStatus("swap", reply(502, "<html>"), mints)).toMatchObject({ _tag: "JupiterUnavailableError", retryable: true });
    expect(fromHttpStatus("quote", reply(401), mints)?._tag).toBe("JupiterAuthError");
    const funds = fromHttpStatus("swap", reply(400, fixtureText("jupiter/error.ultra.insufficient_funds.json")), mints);
    expect(funds).toMatchObject({ _tag: "JupiterRejectedError", errorCode: "INSUFFICIENT_FUNDS", retryable: false });
  });
});

describe("swap request body (upstream §17 C6)", () => {
  const quote = { raw: { q: 1 } } as unknown as Quote;
  it("sends one priority-fee field, never both, and a simulated compute-unit limit", () => {
    const body = swapRequestBody({ quote, userPublicKey: "u", priority: { level: "veryHigh", maxLamports: 100_000 } });
    expect(body).toEqual({
      quoteResponse: { q: 1 },
      userPublicKey: "u",
      wrapAndUnwrapSol: true,
      dynamicComputeUnitLimit: true,
      prioritizationFeeLamports: { priorityLevelWithMaxLamports: { priorityLevel: "veryHigh", maxLamports: 100_000 } },
    });
    expect("computeUnitPriceMicroLamports" in body).toBe(false);
    const none = swapRequestBody({ quote, userPublicKey: "u", priority: null });
    expect("prioritizationFeeLamports" in none || "computeUnitPriceMicroLamports" in none).toBe(false);
  });

  it("with a Jito tip, the tip is the one priority-fee field", () => {
    const priority = priorityFromConfig({ priorityFeeLamports: 100_000, jitoTipLamports: 25_000 });
    const body = swapRequestBody({ quote, userPublicKey: "u", priority });
    expect(body.prioritizationFeeLamports).toEqual({ jitoTipLamports: 25_000 });
    expect("computeUnitPriceMicroLamports" in body).toBe(false);
    expect(priorityFromConfig({ priorityFeeLamports: 100_000, jitoTipLamports: 0 })).toEqual({ level: "veryHigh", maxLamports: 100_000 });
    expect(priorityFromConfig({ priorityFeeLamports: 0, jitoTipLamports: 0 })).toBeNull();
  });
});

describe("makeJupiter against the loopback Jupiter", () => {
  let server: JupiterServer;
  let jupiter: Jupiter;
  let mint: string;
  const fail = (eff: Effect.Effect<unknown, JupiterError>) => Effect.runPromise(Effect.flip(eff));

  beforeEach(async () => {
    const chain = new LoopbackChain();
    server = await startJupiterServer({ chain, apiKey: "key" });
    mint = (await server.pools.create({ sol: 10n ** 11n, token: 10n ** 12n })).mint.mint;
    jupiter = makeJupiter(jupiterConfig({ baseUrl: `${server.baseUrl}/`, apiKey: "key" }, seededRng(1), { backoff: FAST_BACKOFF, timeoutMs: 200 }));
  });
  afterEach(async () => {
    await server.close();
  });

  it("quotes and builds a swap from the echoed quote", async () => {
    const q = await Effect.runPromise(jupiter.requestQuote({ inputMint: SOL_MINT, outputMint: mint, amount: 10n ** 9n, slippageBps: 100 }));
    expect(q.outAmount).toBeGreaterThan(0n);
    expect(q.minOutAmount).toBe((q.outAmount * 9900n) / 10000n);
    const s = await Effect.runPromise(jupiter.requestSwap({ quote: q, userPublicKey: SOL_MINT, priority: { level: "high", maxLamports: 50_000 } }));
    expect(s.computeUnitLimit).toBe(120_000);
    expect(s.prioritizationFeeLamports).toBe(25_000);
  });

  it("retries a timeout and a 429, and gives typed errors for bad bodies", async () => {
    server.faults.script("quote", "timeout", "http429");
    await Effect.runPromise(jupiter.requestQuote({ inputMint: SOL_MINT, outputMint: mint, amount: 10n ** 9n, slippageBps: 100 }));
    expect(server.counts.quote).toBe(3);
    server.faults.script("quote", "wrongShape");
    const e = await fail(jupiter.requestQuote({ inputMint: SOL_MINT, outputMint: mint, amount: 10n ** 9n, slippageBps: 100 }));
    expect(e).toMatchObject({ _tag: "JupiterDecodeError", endpoint: "quote" });
  });

  it("an unknown pair is JupiterNoRouteError", async () => {
    const e = await fail(jupiter.requestQuote({ inputMint: SOL_MINT, outputMint: JUP, amount: 10n ** 9n, slippageBps: 100 }));
    expect(e._tag).toBe("JupiterNoRouteError");
  });
});
