/** The restart Schedules under TestClock: attempts and delays collected, no real sleeps. */
import { Effect, Fiber, Schedule } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { backoffDelay, nominalDelay, type RestartPolicy } from "../../machines/supervisor.restart.js";
import { ChildCrashError, restartBackoff, restartSchedule } from "./schedules.js";

const policy: RestartPolicy = { baseMs: 100, factor: 2, maxDelayMs: 500, jitter: 0.2, maxRestarts: 5, windowMs: 60_000 };
const crash = (retryable: boolean) => new ChildCrashError({ name: "trainer", message: "worker exited", retryable });

/** Retry an always-failing start under the schedule on a TestClock; collect attempts and delays. */
async function run(error: ChildCrashError, p = policy, seed = 7) {
  let attempts = 0;
  const delays: number[] = [];
  const start = Effect.suspend(() => {
    attempts++;
    return Effect.fail(error);
  });
  const schedule = restartSchedule(p, seededRng(seed), (_e, _n, d) => delays.push(d));
  const program = Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(Effect.retry(start, schedule));
    yield* TestClock.adjust("1 hour");
    return yield* Fiber.await(fiber);
  });
  const exit = await Effect.runPromise(Effect.provide(program, TestClock.layer()));
  return { attempts, delays, exit };
}

describe("restartSchedule", () => {
  it("restarts a retryable crash maxRestarts times on the capped, jittered exponential backoff", async () => {
    const { attempts, delays, exit } = await run(crash(true));
    expect(attempts).toBe(6);
    expect(exit._tag).toBe("Failure");
    // The same draws through the pure function give the same delays, bit for bit.
    const rng = seededRng(7);
    expect(delays).toEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(policy, n, rng.next())));
    // Hand-computed nominal delays: 100, 200, 400, then capped at 500; each within ±20%.
    const nominal = [100, 200, 400, 500, 500];
    expect([0, 1, 2, 3, 4].map((n) => nominalDelay(policy, n))).toEqual(nominal);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0.8 * nominal[i]!);
      expect(d).toBeLessThan(1.2 * nominal[i]!);
    });
  });

  it("does not restart a crash that is not retryable", async () => {
    const { attempts, delays } = await run(crash(false));
    expect([attempts, delays]).toEqual([1, []]);
  });

  it("stops restarting once the child starts: success ends the loop", async () => {
    let attempts = 0;
    const start = Effect.suspend(() => (++attempts < 3 ? Effect.fail(crash(true)) : Effect.succeed("up")));
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(Effect.retry(start, restartSchedule(policy, seededRng(1))));
      yield* TestClock.adjust("1 minute");
      return yield* Fiber.await(fiber);
    });
    const exit = await Effect.runPromise(Effect.provide(program, TestClock.layer()));
    expect(exit._tag).toBe("Success");
    expect(attempts).toBe(3);
  });

  it("is reproducible from its seed, and differs between seeds", async () => {
    const a = await run(crash(true), policy, 42);
    const b = await run(crash(true), policy, 42);
    const c = await run(crash(true), policy, 43);
    expect(a.delays).toEqual(b.delays);
    expect(a.delays).not.toEqual(c.delays);
  });

  it("without jitter the delays are exactly min(base * factor^n, max)", async () => {
    const { delays } = await run(crash(true), { ...policy, jitter: 0, factor: 3, maxRestarts: 4 });
    expect(delays).toEqual([100, 300, 500, 500]);
  });
});

describe("restartBackoff", () => {
  it("repeats at most maxRestarts times, waiting the backoff before each", async () => {
    let runs = 0;
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(Effect.repeat(Effect.sync(() => runs++), restartBackoff({ ...policy, jitter: 0 }, seededRng(1))));
      yield* TestClock.adjust(100 + 200 + 400 - 1);
      const early = runs;
      yield* TestClock.adjust("1 hour");
      yield* Fiber.await(fiber);
      return early;
    });
    const early = await Effect.runPromise(Effect.provide(program, TestClock.layer()));
    expect(early).toBe(3);
    expect(runs).toBe(1 + policy.maxRestarts);
    expect(Schedule.isSchedule(restartBackoff(policy, seededRng(1)))).toBe(true);
  });
});
