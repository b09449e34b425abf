import { Effect, Fiber } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { StorageQueryError, StorageUnavailableError, type StorageError } from "./errors.js";
import { storageRetrySchedule } from "./retry.js";

const unavailable = new StorageUnavailableError({ message: "down", operation: "insert", target: "t", reason: "ECONNREFUSED", retryable: true });
const invalid = new StorageQueryError({ message: "bad", operation: "insert", target: "t", kind: "bad-data", code: 27, retryable: false });

/** Run an always-failing effect under the schedule on a TestClock; collect attempts and delays. */
async function run(error: StorageError, policy = { baseMs: 100, maxDelayMs: 400, maxRetries: 5 }) {
  let attempts = 0;
  const delays: number[] = [];
  const failing = Effect.suspend(() => {
    attempts++;
    return Effect.fail(error);
  });
  const schedule = storageRetrySchedule(policy, seededRng(7), (_e, _n, d) => delays.push(d));
  const program = Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(Effect.retry(failing, schedule));
    yield* TestClock.adjust("1 minute");
    return yield* Fiber.await(fiber);
  });
  await Effect.runPromise(Effect.provide(program, TestClock.layer()));
  return { attempts, delays };
}

describe("storageRetrySchedule", () => {
  it("retries a retryable error maxRetries times with capped, jittered exponential delays", async () => {
    const { attempts, delays } = await run(unavailable);
    expect(attempts).toBe(6);
    const nominal = [100, 200, 400, 400, 400];
    expect(delays).toHaveLength(5);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0.8 * (nominal[i] as number));
      expect(d).toBeLessThan(1.2 * (nominal[i] as number));
    });
  });

  it("does not retry a non-retryable error", async () => {
    expect(await run(invalid)).toEqual({ attempts: 1, delays: [] });
  });
});
