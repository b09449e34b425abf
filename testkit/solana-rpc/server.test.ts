import { getAddressFromPublicKey, type Address } from "@solana/kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../eventually.js";
import { fixtureJson } from "../fixtures/load.js";
import { seededKeyPair } from "../jupiter/pools.js";
import { LoopbackChain } from "./chain.js";
import { startSolanaRpcServer, type SolanaRpcServer } from "./server.js";
import { createMint, setTokenBalance } from "./spl-setup.js";
import { TOKEN_2022_PROGRAM } from "./programs.js";
import { signedTransfer } from "./transfer.js";
import type { KeyPair } from "../../chain/signer/keypair.js";

const TO = "8uvia8bNfEHFaxcEpg5uLJoTXJoZ9frsfgBU6JemUgNt" as Address;

/** Key paths of a JSON value: compares our shapes with the documented ones. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

describe("loopback Solana RPC", () => {
  let chain: LoopbackChain;
  let server: SolanaRpcServer;
  let payer: KeyPair;
  let from: Address;

  const call = async (method: string, params: unknown[] = []) => {
    const res = await fetch(server.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { result?: any; error?: any; id: unknown } };
  };
  const transfer = async (lamports: bigint) => {
    const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
    return signedTransfer({ from: payer, to: TO, lamports, blockhash, lastValidBlockHeight });
  };
  const send = async (bytes: Uint8Array, skipPreflight = true) =>
    call("sendTransaction", [Buffer.from(bytes).toString("base64"), { encoding: "base64", skipPreflight }]);

  beforeEach(async () => {
    chain = new LoopbackChain({ blockhashValidity: 5 });
    server = await startSolanaRpcServer({ chain });
    payer = await seededKeyPair("rpc-payer");
    from = await getAddressFromPublicKey(payer.publicKey);
    chain.setLamports(from, 2_000_000_000n);
  });
  afterEach(async () => {
    await server.close();
  });

  it("answers in the documented shapes", async () => {
    const bh = (await call("getLatestBlockhash", [{ commitment: "processed" }])).body;
    const documentedBh = fixtureJson<{ result: { value: unknown } }>("rpc/getLatestBlockhash.response.json");
    expect(shape(bh.result.value)).toEqual(shape(documentedBh.result.value));
    expect(bh.result.context.slot).toBe(1000);
    const tx = await transfer(10n ** 9n);
    await send(tx.bytes);
    chain.advance(40);
    const st = (await call("getSignatureStatuses", [[tx.signature, TO]])).body;
    expect(st.result.value[0]).toEqual({ slot: 1000, confirmations: null, err: null, status: { Ok: null }, confirmationStatus: "finalized" });
    expect(st.result.value[1]).toBeNull();
    const mint = createMint(chain, { decimals: 6, program: TOKEN_2022_PROGRAM });
    await setTokenBalance(chain, mint, from, 42n);
    const accounts = (await call("getTokenAccountsByOwner", [from, { mint: mint.mint }, { encoding: "jsonParsed" }])).body;
    const documented = fixtureJson<{ result: { value: unknown[] } }>("rpc/getTokenAccountsByOwner.jsonParsed.response.json");
    expect(shape(accounts.result.value[0])).toEqual(shape(documented.result.value[0]));
    expect(accounts.result.value[0].account.data.program).toBe("spl-token-2022");
  });

  it("blockhashes expire after blockhashValidity blocks", async () => {
    const old = chain.latestBlockhash().blockhash;
    const tx = await transfer(10n ** 9n);
    chain.advance(6);
    const valid = async (bh: string) => (await call("isBlockhashValid", [bh, {}])).body.result.value;
    expect([await valid(old), await valid(chain.latestBlockhash().blockhash)]).toEqual([false, true]);
    expect((await send(tx.bytes, false)).body.error).toMatchObject({ code: -32002, data: { err: "BlockhashNotFound" } });
    expect((await send(tx.bytes, true)).body.result).toBe(tx.signature);
    expect(chain.status(tx.signature)).toBeNull();
  });

  it("preflight reports program errors and AlreadyProcessed like a node; skipPreflight lands the failure", async () => {
    const bad = await transfer(10n ** 12n);
    const pre = (await send(bad.bytes, false)).body.error;
    expect(pre).toMatchObject({ code: -32002, message: "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1" });
    expect((await send(bad.bytes, true)).body.result).toBe(bad.signature);
    expect(chain.transaction(bad.signature)?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(chain.lamports(from)).toBe(2_000_000_000n - 5_000n);
    expect((await send(bad.bytes, false)).body.error.data.err).toBe("AlreadyProcessed");
  });

  it("getTransaction needs maxSupportedTransactionVersion for v0, and confirmed commitment", async () => {
    const tx = await transfer(10n ** 9n);
    await send(tx.bytes);
    expect((await call("getTransaction", [tx.signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }])).body.result).toBeNull();
    chain.advance(1);
    expect((await call("getTransaction", [tx.signature, { commitment: "confirmed" }])).body.error.code).toBe(-32015);
    const r = (await call("getTransaction", [tx.signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }])).body.result;
    expect(r.meta).toMatchObject({ err: null, fee: 5000, preBalances: [2_000_000_000, 0, 1], postBalances: [999_995_000, 1_000_000_000, 1] });
    expect(r.transaction.message.accountKeys[0]).toBe(from);
  });

  it("fault switches: 429 with Retry-After, 503, malformed, batch, drop, land-then-hang", async () => {
    server.faults.retryAfterS = 2;
    server.faults.script("getSlot", "http429", "http5xx", "malformedJson");
    const r429 = await call("getSlot");
    expect([r429.status, r429.headers.get("retry-after"), r429.body.error.code]).toEqual([429, "2", 429]);
    expect((await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"getSlot"}' })).status).toBe(503);
    expect(await (await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"getSlot"}' })).text()).not.toMatch(/}$/);
    const batch = await fetch(server.url, { method: "POST", body: JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "getSlot" }, { jsonrpc: "2.0", id: 2, method: "nope" }]) });
    expect(await batch.json()).toEqual([{ jsonrpc: "2.0", result: 1000, id: 1 }, { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: 2 }]);
    const a = await transfer(10n ** 8n);
    server.faults.script("sendTransaction", "drop");
    expect((await send(a.bytes)).body.result).toBe(a.signature);
    expect(chain.status(a.signature)).toBeNull();
    server.faults.script("sendTransaction", "landThenTimeout");
    const hung = send(a.bytes).catch(() => "hung");
    await eventually(() => expect(chain.status(a.signature)?.confirmationStatus).toBe("processed"));
    await server.close();
    expect(await hung).toBe("hung");
  });

  it("getAccountInfo in base64 and jsonParsed; simulateTransaction; seeded fault rates and latency", async () => {
    const mint = createMint(chain, { decimals: 9 });
    const b64 = (await call("getAccountInfo", [mint.mint, { encoding: "base64" }])).body.result.value;
    expect([b64.owner, b64.space, b64.data[1]]).toEqual(["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", 82, "base64"]);
    const parsed = (await call("getAccountInfo", [mint.mint, { encoding: "jsonParsed" }])).body.result.value;
    expect(parsed.data.parsed).toMatchObject({ type: "mint", info: { decimals: 9, isInitialized: true } });
    expect((await call("getAccountInfo", [TO, {}])).body.result.value).toBeNull();
    const tx = await transfer(10n ** 9n);
    const sim = (await call("simulateTransaction", [Buffer.from(tx.bytes).toString("base64"), { encoding: "base64" }])).body.result.value;
    expect(sim).toMatchObject({ err: null, unitsConsumed: expect.any(Number) });
    expect(chain.status(tx.signature)).toBeNull();
    server.faults.rates = { http5xx: 1 };
    expect((await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"getSlot"}' })).status).toBe(503);
    server.faults.rates = {};
    server.faults.latencyMs = 30;
    const t0 = performance.now();
    await call("getSlot");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
