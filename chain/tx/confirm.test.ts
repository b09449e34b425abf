import { getAddressFromPublicKey, type Address } from "@solana/kit";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { seededKeyPair } from "../../testkit/jupiter/pools.js";
import { LoopbackChain } from "../../testkit/solana-rpc/chain.js";
import { startSolanaRpcServer, type SolanaRpcServer } from "../../testkit/solana-rpc/server.js";
import { signedTransfer } from "../../testkit/solana-rpc/transfer.js";
import { makeSolanaRpc, type SolanaRpc } from "../rpc/client.js";
import { FAST_BACKOFF } from "../rpc/retry.js";
import type { KeyPair } from "../signer/keypair.js";
import { awaitOutcome, fetchLanded, type ConfirmOptions } from "./confirm.js";
import { walletBalanceChange } from "./fill.js";
import type { Submission } from "./submission.js";

const OPTS: ConfirmOptions = { commitment: "confirmed", pollIntervalMs: 2, resendEveryPolls: 2, skipPreflight: true, maxFailedPolls: 3, timeoutMs: 5_000 };

describe("awaitOutcome against the loopback RPC", () => {
  let chain: LoopbackChain;
  let server: SolanaRpcServer;
  let rpc: SolanaRpc;
  let payer: KeyPair;
  let from: Address;
  const to = "8uvia8bNfEHFaxcEpg5uLJoTXJoZ9frsfgBU6JemUgNt" as Address;

  const submission = async (lamports: bigint): Promise<Submission> => {
    const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
    const tx = await signedTransfer({ from: payer, to, lamports, blockhash, lastValidBlockHeight });
    return { intentId: "i", side: "buy", mint: "m", signature: tx.signature, signedBytes: tx.bytes, blockhash, lastValidBlockHeight };
  };
  const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e);

  beforeEach(async () => {
    chain = new LoopbackChain({ blockhashValidity: 60 });
    chain.startTicker(3);
    server = await startSolanaRpcServer({ chain });
    rpc = makeSolanaRpc({ url: server.url, timeoutMs: 200, commitment: "confirmed", rng: seededRng(2), backoff: FAST_BACKOFF });
    payer = await seededKeyPair("payer");
    from = await getAddressFromPublicKey(payer.publicKey);
    chain.setLamports(from, 5_000_000_000n);
  });
  afterEach(async () => {
    chain.stopTicker();
    await server.close();
  });

  it("a landed transaction at the target commitment; its fill from balances", async () => {
    const sub = await submission(1_000_000_000n);
    const out = await run(awaitOutcome(rpc, sub, OPTS));
    expect(out).toMatchObject({ _tag: "Landed", err: null });
    const tx = await run(fetchLanded(rpc, sub.signature, 5, 2));
    const change = walletBalanceChange(tx, from, "none");
    expect(change).toMatchObject({ solDelta: -1_000_005_000n, tokenDelta: 0n, feeLamports: 5_000n });
  });

  it("a transaction that lands with err is Landed with that err (fee paid)", async () => {
    const sub = await submission(50_000_000_000n);
    const out = await run(awaitOutcome(rpc, sub, OPTS));
    expect(out).toMatchObject({ _tag: "Landed", err: { InstructionError: [0, { Custom: 1 }] } });
    expect(chain.lamports(from)).toBe(5_000_000_000n - 5_000n);
  });

  it("lost sends are resent with the same bytes until one lands", async () => {
    server.faults.script("sendTransaction", "drop", "drop");
    const sub = await submission(1n * 10n ** 9n);
    expect((await run(awaitOutcome(rpc, sub, OPTS)))._tag).toBe("Landed");
    expect(server.sent.length).toBe(3);
    expect(new Set(server.sent)).toEqual(new Set([sub.signature]));
  });

  it("expired only after the height passed lastValidBlockHeight and the node calls the blockhash invalid", async () => {
    server.faults.dropSends = true;
    const sub = await submission(10n ** 9n);
    const out = await run(awaitOutcome(rpc, sub, OPTS));
    expect(out._tag).toBe("Expired");
    if (out._tag === "Expired") expect(out.blockHeight).toBeGreaterThan(sub.lastValidBlockHeight);
    const order = server.calls.slice(-4);
    expect(order).toEqual(["getSignatureStatuses", "getBlockHeight", "isBlockhashValid", "getSignatureStatuses"]);
  });

  it("a venue's too-low lastValidBlockHeight does not expire a blockhash the node still accepts", async () => {
    server.faults.script("sendTransaction", "drop");
    const sub = { ...(await submission(10n ** 9n)), lastValidBlockHeight: 0 };
    chain.advance(2);
    const out = await run(awaitOutcome(rpc, sub, { ...OPTS, resendEveryPolls: 1 }));
    expect(out._tag).toBe("Landed");
  });

  it("an unreachable RPC ends in TxUnknownOutcomeError carrying the submission", async () => {
    const sub = await submission(10n ** 9n);
    server.faults.script("getSignatureStatuses", ...Array<"http5xx">(18).fill("http5xx"));
    const e = await run(Effect.flip(awaitOutcome(rpc, sub, OPTS)));
    expect(e._tag).toBe("TxUnknownOutcomeError");
    expect(e.submission.signature).toBe(sub.signature);
    expect(chain.landedSignatures()).toEqual([sub.signature]);
  });
});
