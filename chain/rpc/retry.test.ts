import { Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { JUPITER_BACKOFF, jupiterRetrySchedule } from "../jupiter/retry.js";
import { JupiterRateLimitedError, type JupiterError } from "../jupiter/errors.js";
import { RpcResponseError, RpcUnavailableError, RpcRateLimitedError, type RpcError } from "./errors.js";
import { RPC_READ_BACKOFF, transientRetrySchedule, type BackoffPolicy, type RetryableError } from "./retry.js";

const unavailable = new RpcUnavailableError({ method: "getBlockHeight", message: "down", reason: "http", status: 503, retryable: true });
const invalid = new RpcResponseError({ method: "getBlockHeight", message: "bad params", code: -32602, data: null, retryable: false });
const limited = (retryAfterMs: number) => new RpcRateLimitedError({ method: "getBlockHeight", message: "429", retryAfterMs, retryable: true });

/** Run an always-failing effect under a schedule on the TestClock; collect attempts and delays. */
async function attempts<E extends RetryableError>(error: E, policy: BackoffPolicy, schedule = transientRetrySchedule<E>) {
  let n = 0;
  const delays: number[] = [];
  const failing = Effect.suspend(() => {
    n++;
    return Effect.fail(error);
  });
  const program = Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(Effect.retry(failing, schedule(policy, seededRng(3), (_e, _a, d) => delays.push(d))));
    yield* TestClock.adjust("10 minutes");
    return yield* Fiber.await(fiber);
  });
  await Effect.runPromise(Effect.provide(program, TestClock.layer()));
  return { attempts: n, delays };
}

describe("transientRetrySchedule", () => {
  it("retries a retryable error maxRetries times, capped exponential with ±20% jitter", async () => {
    const { attempts: n, delays } = await attempts<RpcError>(unavailable, RPC_READ_BACKOFF);
    expect(n).toBe(RPC_READ_BACKOFF.maxRetries + 1);
    const nominal = [100, 200, 400, 800, 1000];
    expect(delays).toHaveLength(nominal.length);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0.8 * (nominal[i] as number));
      expect(d).toBeLessThan(1.2 * (nominal[i] as number));
    });
  });

  it("does not retry a non-retryable error", async () => {
    expect(await attempts<RpcError>(invalid, RPC_READ_BACKOFF)).toEqual({ attempts: 1, delays: [] });
  });

  it("waits at least the server's Retry-After", async () => {
    const { delays } = await attempts<RpcError>(limited(3_000), RPC_READ_BACKOFF);
    expect(delays.every((d) => d >= 3_000)).toBe(true);
  });

  it("gives up at once when Retry-After exceeds the policy's limit", async () => {
    expect(await attempts<RpcError>(limited(60_000), RPC_READ_BACKOFF)).toEqual({ attempts: 1, delays: [] });
  });

  it("Jupiter's named schedule: 4 retries from 250 ms, honouring Retry-After", async () => {
    const e = new JupiterRateLimitedError({ message: "429", endpoint: "quote", retryAfterMs: 1_000, retryable: true });
    const { attempts: n, delays } = await attempts<JupiterError>(e, JUPITER_BACKOFF, jupiterRetrySchedule);
    expect(n).toBe(5);
    expect(delays).toHaveLength(4);
    expect(delays[0]).toBe(1_000);
    expect(delays[3]).toBeGreaterThanOrEqual(1_600);
  });
});
