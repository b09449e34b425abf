/**
 * The daemon's child plumbing without a daemon: a supervised child's generations (a crash of a
 * replaced instance is ignored, a kill is reported once), the executor gateway while no instance
 * is up, and the paper wallet rebuilt from the journal's fills after a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect, Result } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config/index.js";
import { VirtualClock } from "../../../core/clock.js";
import { positionParams } from "../../../machines/position.params.js";
import { Journal } from "../../journal/journal.js";
import { SupervisedChild, type ChildContext, type ChildFactory } from "./child.js";
import { executorChild } from "./executor.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function recordingFactory() {
  const contexts: ChildContext[] = [];
  const killed: string[] = [];
  const factory: ChildFactory = {
    name: "scorer",
    start: async (ctx) => {
      contexts.push(ctx);
      const n = contexts.length;
      return { alive: () => true, stop: async () => void killed.push(`stop ${n}`), kill: (r) => void killed.push(`kill ${n}: ${r}`) };
    },
  };
  return { factory, contexts, killed };
}

describe("SupervisedChild", () => {
  it("replaces the instance on start and ignores what a replaced instance reports", async () => {
    const crashes: string[] = [];
    const f = recordingFactory();
    const child = new SupervisedChild(f.factory, { crashed: (n, e) => void crashes.push(`${n}: ${e}`), log: () => {} });
    await child.start("boot");
    expect(child.alive()).toBe(true);
    await child.start("restart");
    expect(f.killed).toEqual(["kill 1: restart"]);
    f.contexts[0]!.crashed(new Error("late word from the old one"));
    expect(crashes).toEqual([]);
    f.contexts[1]!.crashed(new Error("boom"));
    f.contexts[1]!.crashed(new Error("boom again"));
    expect(crashes).toEqual(["scorer: boom"]);
    expect(child.alive()).toBe(false);
    expect(child.starts).toBe(2);
  });

  it("kill stops the instance and reports one crash; stop is graceful and final", async () => {
    const crashes: string[] = [];
    const f = recordingFactory();
    const child = new SupervisedChild(f.factory, { crashed: (_n, e) => void crashes.push(e), log: () => {} });
    await child.start("boot");
    child.kill("chaos");
    expect(crashes).toEqual(["killed: chaos"]);
    expect(child.phase).toBe("crashed");
    await child.start("restart");
    await child.stop();
    expect(child.phase).toBe("stopped");
    expect(f.killed[0]).toBe("kill 1: chaos");
    expect(f.killed.at(-1)).toBe("stop 2");
  });

  it("a start that throws is a crash", async () => {
    const crashes: string[] = [];
    const child = new SupervisedChild({ name: "trainer", start: () => Promise.reject(new Error("no worker")) }, { crashed: (_n, e) => void crashes.push(e), log: () => {} });
    await child.start("boot");
    expect(crashes).toEqual(["no worker"]);
  });
});

describe("executor child", () => {
  const MINT = "MintA111111111111111111111111111111111111111";
  const setup = (journal: Journal) => {
    const config = loadConfig({ env: {}, overrides: { dataDir: "/tmp/unused" } }).config;
    const pool = { sol: 100n * 1_000_000_000n, token: 1_000_000n * 1_000_000n, feeBps: 25 };
    return executorChild({
      config, journal, clock: new VirtualClock(1_000), paperStartSol: 10,
      market: { pool: (m) => (m === MINT ? pool : undefined), decimals: () => 6 },
    });
  };

  it("fails every call at once, nothing sent, while no instance is up", async () => {
    const exec = setup(Journal.open(":memory:"));
    const down = await Effect.runPromise(Effect.result(exec.gateway.buy({ intentId: "i1", mint: MINT, lamports: 1_000_000n, slippageBps: 100 })));
    expect(Result.isFailure(down) && down.failure._tag).toBe("ExecutorUnavailableError");
    const instance = await exec.factory.start({ crashed: () => {} });
    const up = await Effect.runPromise(Effect.result(exec.gateway.buy({ intentId: "i1", mint: MINT, lamports: 1_000_000n, slippageBps: 100 })));
    expect(Result.isSuccess(up) && up.success._tag).toBe("Filled");
    instance.kill("chaos");
    expect(exec.gateway.up()).toBe(false);
    // The paper wallet outlives the instance: a new one sees the same holdings.
    await exec.factory.start({ crashed: () => {} });
    expect(exec.gateway.paper?.wallet.tokens(MINT)).toBeGreaterThan(0n);
  });

  it("rebuilds the paper wallet from the journal: open positions hold their tokens, SOL net of every fill", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alphagpt-exec-"));
    dirs.push(dir);
    const journal = Journal.open(join(dir, "j.sqlite"));
    const input = (id: string) => ({ positionId: id, mint: MINT, sizeSol: 1, params: positionParams(), ts: 0 });
    journal.positions.create(input("p1"), 1, 0);
    journal.positions.create(input("p2"), 1, 0);
    const fill = (id: string, n: number, side: "buy" | "sell", qty: number, sol: number) => {
      journal.orders.recordIntent({ intentId: `${id}:${n}`, positionId: id, mint: MINT, side, kind: side === "buy" ? "buy" : "exit", amount: 1, amountRaw: "1", slippageBps: 0, reason: "t", ts: n });
      journal.orders.recordFill({ intentId: `${id}:${n}`, positionId: id, mint: MINT, side, qty, sol, feeSol: 0, decimals: 6, signature: `${id}-${n}`, ts: n });
    };
    fill("p1", 1, "buy", 1_000, 1); // still open: holds 600 after a partial sell
    fill("p1", 2, "sell", 400, 0.5);
    fill("p2", 1, "buy", 2_000, 2); // closed below: holds nothing
    fill("p2", 2, "sell", 2_000, 2.5);
    journal.positions.save({ positionId: "p1", snapshot: {}, state: "open", status: "active", seq: 1, reason: "x", ts: 1, transitions: [] });
    journal.positions.save({ positionId: "p2", snapshot: {}, state: "closed", status: "done", seq: 1, reason: "x", ts: 1, transitions: [], closed: { ts: 1, pnlSol: 0.5 } });
    const exec = setup(journal);
    const wallet = exec.gateway.paper!.wallet;
    expect(wallet.tokens(MINT)).toBe(600n * 1_000_000n);
    expect(Number(wallet.lamports()) / 1e9).toBeCloseTo(10 - 1 + 0.5 - 2 + 2.5, 9);
    journal.close();
  });
});
