/**
 * The confirm loop on virtual time: a stub RPC whose block height follows the TestClock (one
 * block per 400 ms), so cadence, resends and the expiry proof are checked without real sleeps.
 */
import { Clock, Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import type { SolanaRpc } from "../rpc/client.js";
import { RpcUnavailableError } from "../rpc/errors.js";
import type { SignatureStatus } from "../rpc/parse.js";
import { awaitOutcome, type ChainOutcome, type ConfirmOptions } from "./confirm.js";
import type { Submission } from "./submission.js";

const SUB: Submission = { intentId: "i", side: "buy", mint: "m", signature: "sig", signedBytes: new Uint8Array([1]), blockhash: "bh", lastValidBlockHeight: 10 };
const OPTS: ConfirmOptions = { commitment: "confirmed", pollIntervalMs: 400, resendEveryPolls: 2, skipPreflight: true, maxFailedPolls: 3, timeoutMs: 60_000 };

interface Script {
  /** Status by block height; undefined: unseen. */
  status?: (height: number) => SignatureStatus | undefined;
  /** Heights at which status reads fail. */
  failAt?: (height: number) => boolean;
}

function stubRpc(script: Script) {
  const log: string[] = [];
  const height = Clock.currentTimeMillis.pipe(Effect.map((ms) => Math.floor(ms / 400)));
  const unused = () => Effect.die("not used by the confirm loop");
  const rpc: SolanaRpc = {
    getLatestBlockhash: unused,
    getBalance: unused,
    getAccountInfo: unused,
    getTokenHolding: unused,
    getTransaction: unused,
    getBlockHeight: () => height.pipe(Effect.tap((h) => Effect.sync(() => log.push(`height ${h}`)))),
    isBlockhashValid: () => height.pipe(Effect.map((h) => h <= SUB.lastValidBlockHeight)),
    sendTransaction: () => height.pipe(Effect.tap((h) => Effect.sync(() => log.push(`send ${h}`))), Effect.as(SUB.signature)),
    getSignatureStatuses: () =>
      height.pipe(
        Effect.flatMap((h) =>
          script.failAt?.(h) === true
            ? Effect.fail(new RpcUnavailableError({ method: "getSignatureStatuses", message: "down", reason: "http", retryable: true }))
            : Effect.succeed([script.status?.(h) ?? null]),
        ),
      ),
  };
  return { rpc, log };
}

async function run(script: Script, opts = OPTS) {
  const { rpc, log } = stubRpc(script);
  const program = Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(Effect.result(awaitOutcome(rpc, SUB, opts)));
    yield* TestClock.adjust("2 minutes");
    return yield* Fiber.join(fiber);
  });
  const result = await Effect.runPromise(Effect.provide(program, TestClock.layer()));
  return { result, log };
}

const outcome = (r: Awaited<ReturnType<typeof run>>["result"]): ChainOutcome => {
  if (r._tag === "Failure") throw new Error(r.failure.message);
  return r.success;
};

describe("awaitOutcome on a TestClock", () => {
  it("lands once the status reaches the commitment", async () => {
    const { result } = await run({ status: (h) => (h >= 3 ? { slot: 3, err: null, confirmationStatus: h >= 4 ? "confirmed" : "processed" } : undefined) });
    expect(outcome(result)).toEqual({ _tag: "Landed", slot: 3, err: null });
  });

  it("resends the same bytes every other poll while valid, and expires only past lastValidBlockHeight", async () => {
    const { result, log } = await run({});
    expect(outcome(result)).toEqual({ _tag: "Expired", blockHeight: 11 });
    const sends = log.filter((l) => l.startsWith("send")).map((l) => Number(l.split(" ")[1]));
    expect(sends[0]).toBe(0);
    expect(sends.every((h) => h <= SUB.lastValidBlockHeight)).toBe(true);
    expect(sends).toEqual([0, 1, 3, 5, 7, 9]); // first send, then every second poll (one poll per block)
  });

  it("a transaction seen at the last moment is not expired", async () => {
    const { result } = await run({ status: (h) => (h >= 11 ? { slot: 10, err: null, confirmationStatus: "confirmed" } : undefined) });
    expect(outcome(result)._tag).toBe("Landed");
  });

  it("gives up with the submission after maxFailedPolls failed polls in a row", async () => {
    const { result } = await run({ failAt: (h) => h >= 2 });
    expect(result._tag).toBe("Failure");
    if (result._tag === "Failure") {
      expect(result.failure._tag).toBe("TxUnknownOutcomeError");
      expect(result.failure.submission).toBe(SUB);
    }
  });

  it("declares the outcome unknown when the time budget runs out", async () => {
    const { result } = await run({ status: () => ({ slot: 1, err: null, confirmationStatus: "processed" }) }, { ...OPTS, timeoutMs: 5_000 });
    expect(result._tag === "Failure" && result.failure.message).toMatch(/within 5000 ms/);
  });
});
