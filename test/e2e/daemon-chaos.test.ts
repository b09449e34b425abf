/**
 * Chaos: children of the running daemon are killed (the trainer in the middle of a training run,
 * the executor in the middle of trading) or hang (the feed goes silent), and the supervisor
 * restarts them on its backoff while every open position keeps its state, size and stops: the
 * positions child is never restarted and no position is touched by a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PositionView } from "../../runtime/positions/views.js";
import { startTestDaemon, type TestDaemon } from "../../runtime/daemon/testing.js";
import { eventually } from "../../testkit/eventually.js";

let t: TestDaemon;

beforeAll(async () => {
  t = await startTestDaemon({
    config: { "training.retrainIntervalS": 3_600 },
    daemon: {
      // A gentler market than the trading test's: the feed must not run ahead of the daemon, or a
      // silent feed only shows once the backlog already sent is processed.
      market: { seed: 3, tokens: 24, bars: 2_000, signalStrength: 1.2, speed: 300, sim: { launchWindow: 0.05, activity: 2 } },
      feedStaleMs: 1_500,
      trainer: {
        workers: 0, pollMs: 300, shadowBars: 5, shadowWaitMs: 20_000, stallMs: 60_000,
        // A tiny model and a long run: it is still training when it is killed.
        overrides: {
          steps: 5_000, batchSize: 32, checkpointEvery: 10_000,
          model: { dModel: 16, heads: 2, ffnHidden: 16, layers: 1, loops: 1, maxLen: 8 },
          pool: { size: 4, maxCorrelation: 0.95, candidatesPerStep: 4 },
        },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
}, 60_000);

const child = (name: "ingest" | "trainer" | "executor" | "positions") => t.daemon.supervisor.getSnapshot().context.children[name];
const active = (): PositionView[] => t.daemon.positions.book?.list("active") ?? [];
const filledBuys = async (): Promise<number> => {
  const m = await t.daemon.registry.getSingleMetric("alphagpt_orders_total")?.get();
  return m?.values.find((v) => v.labels["side"] === "buy" && v.labels["outcome"] === "Filled")?.value ?? 0;
};
const restarts = async (name: string): Promise<number> => {
  const m = await t.daemon.registry.getSingleMetric("alphagpt_child_restarts_total")?.get();
  return m?.values.find((v) => v.labels["child"] === name)?.value ?? 0;
};

/** Reasons a position may move for on its own: prices, fills, its own retries. Never a restart. */
const MARKET_REASONS = new Set([
  "tp1_hit", "tp1_filled", "trailing_armed", "moonbag_hit", "moonbag_recovered", "moonbag_free", "trailing_stop",
  "stop_loss", "breakeven_stop", "moonbag_stop", "price_zero", "sold_out", "partial_fill", "dust", "sell_failed", "retrying",
]);

describe("supervision under chaos", () => {
  it("kills the trainer mid-run and the executor mid-trading: both are restarted, and no position is affected", async () => {
    await eventually(() => {
      const tr = t.daemon.trainer.snapshot();
      expect(tr.running && tr.step >= 1).toBe(true);
      expect(active().length).toBeGreaterThanOrEqual(2);
      expect(child("executor").status).toBe("up");
    }, { timeoutMs: 60_000, intervalMs: 20 });

    // The positions at the moment of the kill, as their machines hold them.
    const before = new Map(active().map((v) => [v.positionId, v]));
    const seqBefore = new Map([...before.keys()].map((id) => [id, t.daemon.journal.positions.get(id)?.seq ?? 0]));
    const buysBefore = await filledBuys();
    const killedRun = t.daemon.trainer.snapshot().runId;
    t.daemon.children.trainer.kill("chaos: trainer");
    t.daemon.children.executor.kill("chaos: executor");
    // Entries wait for the executor: held at once.
    expect(t.daemon.entriesOpen()).toBe(false);

    await eventually(async () => {
      expect(child("trainer")).toMatchObject({ status: "up", restartCount: 1 });
      expect(child("executor")).toMatchObject({ status: "up", restartCount: 1 });
      expect(await restarts("trainer")).toBe(1);
      expect(await restarts("executor")).toBe(1);
    }, { timeoutMs: 30_000, intervalMs: 50 });
    expect(t.daemon.children.trainer.starts).toBe(2);
    expect(t.daemon.children.executor.starts).toBe(2);
    // The run that was killed failed; the active formula is untouched.
    expect(t.daemon.trainer.snapshot()).toMatchObject({ running: false });
    expect(t.daemon.strategy().rpn).toBe("PRESSURE PRESSURE ADD");
    // Its trail is in ClickHouse as an `alphagpt train` run's would be: its steps, and its end.
    await eventually(async () => {
      const r = { r: killedRun ?? "" };
      const runs = await t.daemon.storage.query<{ status: string }>("SELECT status FROM training_runs FINAL WHERE run_id = {r:String}", r);
      expect(runs.map((x) => x.status)).toEqual(["stopped"]);
      const steps = await t.daemon.storage.query<{ n: string }>("SELECT count() AS n FROM training_metrics FINAL WHERE run_id = {r:String}", r);
      expect(Number(steps[0]?.n)).toBeGreaterThanOrEqual(1);
    }, { timeoutMs: 15_000, intervalMs: 100 });

    // Trading goes on through the new executor instance.
    await eventually(async () => expect(await filledBuys()).toBeGreaterThan(buysBefore), { timeoutMs: 30_000, intervalMs: 50 });
    await eventually(() => expect(t.daemon.entriesOpen()).toBe(true), { timeoutMs: 10_000 });

    // The positions host was never restarted, and no position was touched by the restarts.
    expect(t.daemon.children.positions.starts).toBe(1);
    expect(child("positions").restartCount).toBe(0);
    for (const [id, v] of before) {
      const stored = t.daemon.journal.positions.get(id);
      expect(stored?.status, id).not.toBe("error");
      const after = t.daemon.journal.positions.transitions(id).filter((r) => r.seq > (seqBefore.get(id) ?? 0));
      for (const r of after) expect(MARKET_REASONS.has(r.reason) || r.toState === "closed" || r.toState.startsWith("exiting"), `${id}: ${r.toState} (${r.reason})`).toBe(true);
      const now = active().find((x) => x.positionId === id);
      if (now !== undefined && after.length === 0) {
        // At rest all along: same state and size, and its stop only ever rose.
        expect(now.state, id).toBe(v.state);
        expect(now.qty, id).toBe(v.qty);
        expect(now.costSol, id).toBe(v.costSol);
        expect(now.stop, id).toBeGreaterThanOrEqual(v.stop);
      }
    }
  }, 120_000);

  it("restarts an ingest whose feed went silent (hung), resuming after the last slot it processed", async () => {
    const server = t.daemon.loopback!.server;
    const lastSlot = t.daemon.ingest.stats.lastSlot;
    const ingestStarts = t.daemon.children.ingest.starts;
    server.setMuted(true);
    // No feed, no heartbeat: after the heartbeat timeout the supervisor replaces it (once what
    // the server had sent before going silent is processed).
    const seq = t.daemon.records().at(-1)?.seq ?? 0;
    await eventually(() => expect(child("ingest").restartCount).toBeGreaterThanOrEqual(1), { timeoutMs: 60_000, intervalMs: 50 });
    // Entries were held while ingest was down (the restarted instance may already be up again).
    const since = t.daemon.records().filter((r) => r.seq > seq);
    expect(since.map((r) => r.state)).toEqual(expect.arrayContaining(["child.ingest.restarting", "mode.running.held"]));
    expect(since.find((r) => r.state === "mode.running.held")?.reason).toBe("entries_held: ingest not up");
    server.setMuted(false);
    await eventually(() => {
      expect(child("ingest").status).toBe("up");
      expect(t.daemon.ingest.stats.lastSlot).toBeGreaterThan(lastSlot);
    }, { timeoutMs: 30_000, intervalMs: 50 });
    expect(t.daemon.children.ingest.starts).toBeGreaterThan(ingestStarts);
    await eventually(() => expect(t.daemon.entriesOpen()).toBe(true), { timeoutMs: 20_000 });
    expect(t.daemon.children.positions.starts).toBe(1);
  }, 90_000);

  it("backs off between restarts, marks a child that keeps crashing degraded, and POST /resume revives it", async () => {
    const scorer = () => t.daemon.supervisor.getSnapshot().context.children.scorer;
    const budget = 5; // FAST_POLICY: 5 restarts a minute, 100 ms doubling
    const restartTimes: number[] = [];
    for (let k = 0; k < budget; k++) {
      await eventually(() => expect(scorer().status).toBe("up"), { timeoutMs: 20_000, intervalMs: 10 });
      t.daemon.children.scorer.kill(`chaos ${k + 1}`);
      expect(scorer().status).toBe("restarting");
      restartTimes.push(scorer().restartAt! - t.daemon.supervisor.getSnapshot().context.now);
    }
    // The backoff doubles: 100, 200, 400, 800, 1600 ms (no jitter in the test policy).
    expect(restartTimes).toEqual([100, 200, 400, 800, 1600]);
    await eventually(() => expect(scorer().status).toBe("up"), { timeoutMs: 20_000, intervalMs: 10 });
    t.daemon.children.scorer.kill("chaos: one too many");
    expect(scorer().status).toBe("degraded");
    expect(t.daemon.state()).toBe("degraded");
    expect((await t.api<{ ok: boolean; state: string }>("GET", "/health")).body).toMatchObject({ ok: false, state: "degraded" });
    expect(t.daemon.entriesOpen()).toBe(false);
    const resumed = await t.api("POST", "/resume");
    expect(resumed.status).toBe(200);
    await eventually(() => {
      expect(scorer().status).toBe("up");
      expect(t.daemon.state()).toBe("running");
      expect(t.daemon.entriesOpen()).toBe(true);
    }, { timeoutMs: 20_000, intervalMs: 20 });
    expect(t.daemon.children.positions.starts).toBe(1);
  }, 90_000);
});
