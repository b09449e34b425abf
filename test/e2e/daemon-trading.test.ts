/**
 * The daemon end to end, in-process on the embedded defaults: the simulated market streamed by
 * the loopback Geyser server through the real client, ingest into embedded ClickHouse, the
 * scorer on the default (planted-signal) formula, risk, the position book on the paper executor,
 * the journal, and the control API over TCP. Exit rules are tuned (testing.ts FAST_TRADING) so
 * that positions reach TP1, trailing and the moonbag within seconds. Everything is asserted on
 * the journal and the API; waits poll (`eventually`), nothing sleeps a guessed time.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonStatus, PositionDetail, PositionView, StopResult, StrategyView, TradeView } from "../../runtime/http/control-port.js";
import { canonicalRpn, strategyFilePath } from "../../runtime/daemon/strategy.js";
import { startTestDaemon, type TestDaemon } from "../../runtime/daemon/testing.js";
import { eventually } from "../../testkit/eventually.js";

let t: TestDaemon;
const logFile = join(mkdtempSync(join(tmpdir(), "alphagpt-daemon-trading-log-")), "daemon.log");
const logLines = (): Record<string, unknown>[] =>
  readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  t = await startTestDaemon({ logFile });
}, 60_000);

afterAll(async () => {
  await t?.close();
}, 60_000);

const reached = (): Set<string> => {
  const states = new Set<string>();
  for (const rows of t.allTransitions().values()) for (const r of rows) states.add(r.toState);
  return states;
};
const positionIds = (): string[] => t.daemon.journal.positions.list().map((p) => p.positionId);
const heldDecisions = async (): Promise<number> => {
  const m = await t.daemon.registry.getSingleMetric("alphagpt_decisions_total")?.get();
  return m?.values.filter((v) => v.labels["outcome"] === "held").reduce((a, v) => a + v.value, 0) ?? 0;
};

describe("the daemon on the loopback market", () => {
  it("starts, reconciles and enables entries; the API reports it", async () => {
    await eventually(() => expect(t.daemon.state()).toBe("running"), { timeoutMs: 30_000 });
    await eventually(() => expect(t.daemon.entriesOpen()).toBe(true), { timeoutMs: 30_000 });
    const health = await fetch(`${t.daemon.url}/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`${t.daemon.url}/status`)).status).toBe(401);
    const status = await t.api<DaemonStatus>("GET", "/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ mode: "paper", state: "running", entriesEnabled: true });
    expect(status.body.children.map((c) => c.name).sort()).toEqual(["executor", "ingest", "positions", "scorer", "trainer"]);
    expect(status.body.strategy?.infix).toBe("PRESSURE + PRESSURE");
  }, 60_000);

  it("trades: positions pass through TP1, trailing and the moonbag, journaled and served by the API", async () => {
    await eventually(
      () => {
        const s = reached();
        for (const state of ["open", "tp1", "trailing", "moonbag.recovering", "moonbag.running", "closed"]) expect(s, state).toContain(state);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Every closed position's exit is logged once, with what it made (entries are logged too).
    await eventually(() => {
      // The log is read first: a position closing meanwhile is then in the journal, never only in the log.
      const exits = logLines().filter((l) => l["msg"] === "exit");
      const closed = new Set(t.daemon.journal.positions.list().filter((p) => p.status === "done").map((p) => p.positionId));
      expect(exits.length).toBeGreaterThan(0);
      expect(new Set(exits.map((l) => l["positionId"])).size).toBe(exits.length);
      for (const l of exits) expect(closed).toContain(l["positionId"]);
      for (const l of exits) expect(l).toMatchObject({ state: "closed", realizedSol: expect.any(Number), pnlPct: expect.any(Number) });
      expect(logLines().some((l) => l["msg"] === "entry")).toBe(true);
    }, { timeoutMs: 10_000 });
    // One position's whole history through the API, with the transitions in order.
    const all = t.allTransitions();
    const [id] = [...all.entries()].find(([, rows]) => rows.some((r) => r.toState === "moonbag.running") && rows.some((r) => r.toState === "tp1")) ?? [];
    expect(id).toBeDefined();
    const detail = await t.api<PositionDetail>("GET", `/positions/${id}`);
    expect(detail.status).toBe(200);
    const path = detail.body.transitions.map((x) => x.to);
    expect(path.slice(0, 2)).toEqual(["entering", "open"]);
    expect(path.indexOf("tp1")).toBeLessThan(path.indexOf("moonbag.running"));
    expect(detail.body.transitions.find((x) => x.to === "tp1")?.reason).toBe("tp1_hit");
    expect(detail.body.transitions.find((x) => x.to === "moonbag.running")?.reason).toBe("moonbag_recovered");
    // Fills from the paper executor: the entry, TP1's half, the moonbag's cost recovery.
    const trades = await t.api<{ trades: TradeView[] }>("GET", "/trades?limit=500");
    const kinds = new Set(trades.body.trades.filter((x) => x.positionId === id).map((x) => x.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(["entry", "tp1", "recover"]));
    // The metrics saw it too.
    const metrics = await (await fetch(`${t.daemon.url}/metrics`, { headers: { authorization: `Bearer ${t.daemon.token}` } })).text();
    expect(metrics).toMatch(/alphagpt_orders_total\{side="buy",outcome="Filled"\} [1-9]/);
    expect(metrics).toMatch(/alphagpt_decision_latency_seconds_count\{outcome="opened"\} [1-9]/);
    expect(metrics).toContain('alphagpt_queue_depth{queue="writer.bars"}');
    expect(metrics).toContain('alphagpt_feed_staleness_seconds{feed="geyser"}');
    expect(metrics).toContain("alphagpt_landing_rate 1");
  }, 90_000);

  it("POST /stop halts entries at once: no position is opened after the stop is acknowledged", async () => {
    const res = await t.api<StopResult>("POST", "/stop", { reason: "e2e" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "stopping-entries", entriesEnabled: false, exiting: [] });
    const before = new Set(positionIds());
    const closes = t.daemon.scorer.window.stats.added;
    const held = await heldDecisions();
    // The scorer keeps deciding on every close and wants entries; none is opened.
    await eventually(async () => {
      expect(t.daemon.scorer.window.stats.added).toBeGreaterThan(closes + 200);
      expect(await heldDecisions()).toBeGreaterThan(held);
    }, { timeoutMs: 60_000, intervalMs: 100 });
    expect(positionIds().filter((id) => !before.has(id))).toEqual([]);
    expect((await t.api<DaemonStatus>("GET", "/status")).body).toMatchObject({ state: "stopping-entries", entriesEnabled: false });
  }, 90_000);

  it("POST /resume allows entries again, and /stop?flatten=true closes every position", async () => {
    const resumed = await t.api<{ entriesEnabled: boolean }>("POST", "/resume");
    expect(resumed.status).toBe(200);
    expect(resumed.body.entriesEnabled).toBe(true);
    await eventually(() => expect(t.daemon.positions.book?.list("active").length ?? 0).toBeGreaterThanOrEqual(3), { timeoutMs: 60_000, intervalMs: 20 });
    const res = await t.api<StopResult>("POST", "/stop?flatten=true");
    expect(res.status).toBe(200);
    expect(res.body.entriesEnabled).toBe(false);
    expect(res.body.exiting.length).toBeGreaterThan(0);
    await eventually(async () => {
      const open = await t.api<{ positions: PositionView[] }>("GET", "/positions");
      expect(open.body.positions).toEqual([]);
    }, { timeoutMs: 30_000, intervalMs: 100 });
    for (const id of res.body.exiting) {
      const p = t.daemon.journal.positions.get(id);
      expect(p?.status, id).toBe("done");
      expect(p?.state, id).toBe("closed");
    }
    // Sold out: an exit sells the wallet's whole balance of the mint.
    for (const id of res.body.exiting) {
      const mint = t.daemon.journal.positions.get(id)?.mint ?? "";
      expect(t.daemon.executor.paper?.wallet.tokens(mint), id).toBe(0n);
    }
  }, 90_000);

  it("promotes a candidate only when it beats the active formula on validation and in shadow scoring", async () => {
    const before = t.daemon.strategy().rpn;
    const formula = canonicalRpn("PRESSURE DECAY", "basic")!;
    const lastRecord = () => t.daemon.records().at(-1);
    // Better on validation, worse in shadow: rejected, nothing changes.
    t.daemon.supervisor.send({ type: "strategy.candidate", formula, validation: { candidate: 2, active: 1 }, shadow: { candidate: 0.5, active: 1 } });
    expect(lastRecord()).toMatchObject({ state: "strategy.rejected" });
    expect(lastRecord()?.reason).toContain("shadow");
    expect(t.daemon.strategy().rpn).toBe(before);
    expect(existsSync(strategyFilePath(t.config))).toBe(false);
    // Better on both: promoted, written to the strategy file, traded by the scorer.
    t.daemon.supervisor.send({ type: "strategy.candidate", formula, validation: { candidate: 2, active: 1 }, shadow: { candidate: 2, active: 1 } });
    expect(lastRecord()).toMatchObject({ state: "strategy.promoted" });
    await eventually(() => expect(t.daemon.strategy().rpn).toBe(formula));
    expect(t.daemon.scorer.formula).toBe(formula);
    expect(existsSync(strategyFilePath(t.config))).toBe(true);
    const view = await t.api<StrategyView>("GET", "/strategy");
    expect(view.body.tokens.join(" ")).toBe(formula);
    expect(view.body.infix).toBe("decay(PRESSURE)");
    // The file is what a restart trades: reload reads it back unchanged.
    const reloaded = await t.api<StrategyView>("POST", "/strategy/reload");
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.tokens.join(" ")).toBe(formula);
  }, 30_000);
});
