import { Effect, Schema } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { fixtureJson } from "../../testkit/fixtures/load.js";
import { LoopbackChain } from "../../testkit/solana-rpc/chain.js";
import { startSolanaRpcServer, type SolanaRpcServer } from "../../testkit/solana-rpc/server.js";
import { makeSolanaRpc, type SolanaRpc } from "./client.js";
import { fromHttpStatus, fromRpcError, preflightErr, type RpcError } from "./errors.js";
import { parseSignatureStatus, parseTokenHolding } from "./parse.js";
import { FAST_BACKOFF } from "./retry.js";
import * as W from "./wire.js";

const result = (path: string) => (fixtureJson<{ result: unknown }>(`rpc/${path}`)).result;
const decode = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, v: unknown) => Schema.decodeUnknownSync(schema)(v);

describe("wire schemas on the documented payloads (rpc/ fixtures)", () => {
  it("getLatestBlockhash, getBalance, sendTransaction", () => {
    expect(decode(W.LatestBlockhashResult, result("getLatestBlockhash.response.json")).value).toEqual({
      blockhash: "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N",
      lastValidBlockHeight: 3090,
    });
    expect(decode(W.BalanceResult, result("getBalance.response.json")).value).toBe(0);
    expect(decode(W.SendTransactionResult, result("sendTransaction.response.json"))).toMatch(/^2id3YC2j/);
  });

  it("getSignatureStatuses: a finalized status and a null", () => {
    const r = decode(W.SignatureStatusesResult, result("getSignatureStatuses.response.json"));
    expect(r.value.map(parseSignatureStatus)).toEqual([{ slot: 48, err: null, confirmationStatus: "finalized" }, null]);
  });

  it("getTokenAccountsByOwner (jsonParsed): the raw amount as bigint", () => {
    const r = decode(W.TokenAccountsByOwnerResult, result("getTokenAccountsByOwner.jsonParsed.response.json"));
    const h = parseTokenHolding("2cHr7QS3xfuSV8wdxo3ztuF4xbiarF6Nrgx3qpx3HzXR", r);
    expect(h).toMatchObject({ amount: 420000000000000n, decimals: 6, programs: ["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"] });
  });
});

describe("error classification (rpc/ error fixtures)", () => {
  const reply = (status: number, text = "") => ({ status, retryAfterMs: undefined, text });
  it("rate limits, node trouble and bad requests", () => {
    const rpcpool = fixtureJson<{ error: { code: number; message: string } }>("rpc/error.429.rpcpool.json").error;
    expect(fromRpcError("m", rpcpool, 2000)).toMatchObject({ _tag: "RpcRateLimitedError", retryAfterMs: 2000, retryable: true });
    expect(fromHttpStatus("m", reply(429))?._tag).toBe("RpcRateLimitedError");
    expect(fromHttpStatus("m", reply(503))).toMatchObject({ _tag: "RpcUnavailableError", retryable: true });
    expect(fromHttpStatus("m", reply(200))).toBeNull();
    expect(fromRpcError("m", { code: -32005, message: "Node is behind" })).toMatchObject({ _tag: "RpcUnavailableError", retryable: true });
    expect(fromRpcError("m", { code: -32602, message: "Invalid params" })).toMatchObject({ _tag: "RpcResponseError", retryable: false });
    const plain = fixtureJson<{ error: { code: number; message: string } }>("rpc/error.blockhashNotFound.plain.json").error;
    expect(fromRpcError("m", plain).retryable).toBe(true);
  });

  it("preflight failures expose the transaction error", () => {
    const full = fixtureJson<{ error: { code: number; message: string; data: unknown } }>("rpc/error.sendTransaction.blockhashNotFound.json").error;
    expect(preflightErr(fromRpcError("sendTransaction", full))).toBe("BlockhashNotFound");
    const bare = (name: string) => fixtureJson<{ code: number; message: string; data: unknown }>(`rpc/${name}`);
    expect(preflightErr(fromRpcError("sendTransaction", bare("error.sendTransaction.alreadyProcessed.json")))).toBe("AlreadyProcessed");
    expect(preflightErr(fromRpcError("sendTransaction", bare("error.sendTransaction.customProgramError.json")))).toEqual({ InstructionError: [0, { Custom: 2012 }] });
  });
});

describe("makeSolanaRpc against the loopback server", () => {
  let chain: LoopbackChain;
  let server: SolanaRpcServer;
  let rpc: SolanaRpc;
  const fail = (eff: Effect.Effect<unknown, RpcError>) => Effect.runPromise(Effect.flip(eff));

  beforeEach(async () => {
    chain = new LoopbackChain({ blockhashValidity: 10 });
    server = await startSolanaRpcServer({ chain });
    // A timeout far above a loopback answer, even on a loaded machine; the silent-node test sets its own.
    rpc = makeSolanaRpc({ url: server.url, timeoutMs: 5_000, commitment: "confirmed", rng: seededRng(1), backoff: FAST_BACKOFF });
  });
  afterEach(async () => {
    await server.close();
  });

  it("reads blockhash, height and blockhash validity", async () => {
    const bh = await Effect.runPromise(rpc.getLatestBlockhash());
    chain.advance(3);
    expect(await Effect.runPromise(rpc.getBlockHeight())).toBe(3);
    expect(bh.lastValidBlockHeight).toBe(10);
    expect(await Effect.runPromise(rpc.isBlockhashValid(bh.blockhash))).toBe(true);
    chain.advance(8);
    expect(await Effect.runPromise(rpc.isBlockhashValid(bh.blockhash))).toBe(false);
  });

  it("retries 429 and 5xx, then answers", async () => {
    server.faults.script("getBlockHeight", "http429", "http5xx");
    expect(await Effect.runPromise(rpc.getBlockHeight())).toBe(0);
    expect(server.calls.filter((m) => m === "getBlockHeight")).toHaveLength(3);
  });

  it("malformed and wrong-shaped answers are RpcDecodeError, not retried", async () => {
    server.faults.script("getBlockHeight", "malformedJson");
    const a = await fail(rpc.getBlockHeight());
    server.faults.script("getLatestBlockhash", "wrongShape");
    const b = await fail(rpc.getLatestBlockhash());
    expect([a._tag, b._tag]).toEqual(["RpcDecodeError", "RpcDecodeError"]);
    expect(a.message).toMatch(/getBlockHeight: body is not JSON/);
    expect(server.calls).toHaveLength(2);
  });

  it("a silent node times out and is retried, then reported unavailable", async () => {
    server.faults.script("getBlockHeight", ...Array<"timeout">(6).fill("timeout"));
    const impatient = makeSolanaRpc({ url: server.url, timeoutMs: 50, commitment: "confirmed", rng: seededRng(1), backoff: FAST_BACKOFF });
    const e = await fail(impatient.getBlockHeight());
    expect(e).toMatchObject({ _tag: "RpcUnavailableError", reason: "timeout" });
    expect(server.calls).toHaveLength(6);
  });

  it("sendTransaction is not retried by the client", async () => {
    server.faults.script("sendTransaction", "http5xx");
    const e = await fail(rpc.sendTransaction(new Uint8Array(10), { skipPreflight: true }));
    expect(e._tag).toBe("RpcUnavailableError");
    expect(server.calls).toEqual(["sendTransaction"]);
  });

  it("invalid transaction bytes are a non-retryable response error", async () => {
    const e = await fail(rpc.sendTransaction(new Uint8Array(10), { skipPreflight: true }));
    expect(e).toMatchObject({ _tag: "RpcResponseError", code: -32602, retryable: false });
  });
});
