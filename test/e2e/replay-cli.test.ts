/**
 * `alphagpt backtest` end to end, in-process, on the embedded ClickHouse: a simulated market
 * written by `alphagpt sim` is replayed through the daemon's pipeline; the report directory
 * holds trades, equity, transitions (in the HTTP API's position shape), metrics and the HTML
 * report; a rerun prints the same hash; a sweep runs configs in worker threads over one export
 * of the range and its base config hashes as the single run does.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import type { PositionDetail } from "../../runtime/http/control-port.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-replay-cli-"));
const env = { ALPHAGPT_DATA_DIR: join(dir, "state"), ALPHAGPT_LOG_LEVEL: "error" };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: readonly string[]) => runCli(args, env);

const hashOf = (stdout: string): string => {
  const m = /^hash +([0-9a-f]{64})$/m.exec(stdout);
  if (m === null) throw new Error(`no hash in:\n${stdout}`);
  return m[1] as string;
};

beforeAll(async () => {
  const r = await cli(["sim", "--tokens", "16", "--days", "0.15", "--seed", "3", "--signal", "1"]);
  expect(r.code, r.stderr).toBe(ExitCode.ok);
});

describe("alphagpt backtest", () => {
  let hash = "";

  it("replays the stored range and writes the report", async () => {
    const out = join(dir, "report");
    const r = await cli(["backtest", "--out", out, "--from", "2025-01-01T00:00:00Z", "--to", "2025-01-02T00:00:00Z"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^formula +PRESSURE \+ PRESSURE/m);
    expect(r.stdout).toMatch(/^replayed +[\d,]+ events from [\d,]+ rows of ClickHouse feed_events/m);
    expect(r.stdout).toMatch(/^equity +100\.00 -> [\d.]+ SOL +net -?[\d.]+% +sharpe\(d\) \S+ +maxDD [\d.]+%/m);
    hash = hashOf(r.stdout);
    for (const f of ["summary.json", "metrics.csv", "trades.json", "trades.csv", "equity.json", "equity.csv", "positions.json", "transitions.csv", "intents.csv", "report.html"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { hash: string; metrics: Record<string, unknown> };
    expect(summary.hash).toBe(hash);
    for (const k of ["netReturn", "sharpe", "maxDrawdown", "hitRate", "turnover", "feesSol", "capacitySol"]) expect(summary.metrics).toHaveProperty(k);
    const positions = JSON.parse(readFileSync(join(out, "positions.json"), "utf8")) as PositionDetail[];
    expect(positions.length).toBeGreaterThan(0);
    const p = positions[0]!;
    expect(Object.keys(p).sort()).toEqual(
      ["id", "mint", "symbol", "state", "reason", "entryPrice", "currentPrice", "peakPrice", "qty", "costSol", "realisedSol", "unrealisedPnlSol", "unrealisedPnlPct", "openedAt", "updatedAt", "transitions"].sort(),
    );
    expect(p.transitions[0]).toMatchObject({ seq: 1, from: null, to: "entering", event: "xstate.init" });
    const trades = readFileSync(join(out, "trades.csv"), "utf8").trim().split("\n");
    expect(trades[0]).toBe("time,ts,position,mint,side,kind,reason,qty,sol,price,network_fee_sol,swap_fee_sol,pool_sol,fee_bps,intent,signature");
    expect(trades.length).toBeGreaterThan(1);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain(hash);
    expect(html).toContain('class="sc-node');
    expect(html).not.toMatch(/<script[^>]+src=|https?:\/\/cdn/);
  });

  it("prints the same hash on a second run", async () => {
    const r = await cli(["backtest", "--no-report"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(hashOf(r.stdout)).toBe(hash);
  });

  it("runs a sweep in worker threads with a summary table; the base config hashes as the single run", async () => {
    const sweep = join(dir, "sweep.json");
    writeFileSync(sweep, JSON.stringify([{ name: "base" }, { name: "wide-stop", "strategy.stopLossPct": -0.15 }, { strategy: { buyThreshold: 0.95 } }]));
    const r = await cli(["backtest", "--sweep", sweep, "--workers", "2", "--out", join(dir, "sweep")]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => /^config +net +sharpe\(d\) +maxDD +hit/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    const base = lines[header + 1]!;
    expect(base.startsWith("base")).toBe(true);
    expect(base.trim().endsWith(hash.slice(0, 12))).toBe(true);
    expect(lines[header + 2]).toMatch(/^wide-stop /);
    expect(lines[header + 3]).toMatch(/^buyThreshold=0\.95 /);
    expect(r.stderr).toMatch(/rows exported once for 3 configs on 2 workers/);
    expect(existsSync(join(dir, "sweep", "02-wide-stop", "report.html"))).toBe(true);
  });

  it("replays stored bars with --bars (four ticks per bar, one close per interval)", async () => {
    const r = await cli(["backtest", "--bars", "--no-report"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^replayed +[\d,]+ events from ([\d,]+) rows of ClickHouse bars \(60s; 4 ticks per bar\)/m);
    const rows = Number(/from ([\d,]+) rows/.exec(r.stdout)![1]!.replace(/,/g, ""));
    const [, bars, closes] = /; ([\d,]+) bars, (\d+) closes/.exec(r.stdout)!;
    expect(Number(bars!.replace(/,/g, ""))).toBe(rows);
    expect(Number(closes)).toBeLessThan(rows);
    expect(hashOf(r.stdout)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a sweep entry with a bad key, naming it", async () => {
    const sweep = join(dir, "bad.json");
    writeFileSync(sweep, JSON.stringify([{ "strategy.stopLossPct": 0.5 }]));
    const r = await cli(["backtest", "--sweep", sweep, "--no-report"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/sweep entry "stopLossPct=0\.5".*strategy\.stopLossPct/s);
  });
});
