/**
 * `npm start` as a user runs it: `bin/alphagpt.js start` as a child process on its embedded
 * defaults (loopback market, embedded ClickHouse, paper executor), configured only through the
 * documented environment (ALPHAGPT_DATA_DIR, ALPHAGPT_HTTP_PORT, ALPHAGPT_CONTROL_TOKEN,
 * ALPHAGPT_CONFIG). It prints the dashboard URL with a generated token, trades, stops gracefully
 * on SIGTERM with its positions journaled, and a second start on the same data directory
 * recovers them (holding their tokens: the paper wallet is restored from the journal) and the
 * market goes on from where it was.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DaemonStatus, PositionDetail, PositionView } from "../../runtime/http/control-port.js";
import { Journal } from "../../runtime/journal/journal.js";
import type { StoredPosition } from "../../runtime/journal/types.js";
import { FAST_TRADING } from "../../runtime/daemon/testing.js";
import { eventually } from "../../testkit/eventually.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-start-"));
const data = join(dir, "state");
const bin = new URL("../../bin/alphagpt.js", import.meta.url).pathname;

/** FAST_TRADING as a nested config file. */
function configFile(): string {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(FAST_TRADING)) {
    const [section, key] = k.split(".") as [string, string];
    (tree[section] ??= {})[key] = v;
  }
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify(tree));
  return path;
}
const cfg = configFile();

interface Run {
  readonly proc: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const proc = spawn(process.execPath, [bin, "start", "--speed", "600", "--seed", "3", "--tokens", "30"], {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? dir, ALPHAGPT_DATA_DIR: data, ALPHAGPT_HTTP_PORT: "0", ALPHAGPT_CONFIG: cfg, ALPHAGPT_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: Run = { proc, stdout: "", stderr: "", exited: new Promise((r) => proc.on("exit", (code) => r(code))) };
  proc.stdout?.on("data", (b: Buffer) => (run.stdout += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (run.stderr += b.toString()));
  return run;
}

const runs: Run[] = [];
afterAll(async () => {
  for (const r of runs) if (r.proc.exitCode === null) r.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const call = async <T>(base: string, token: string, path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
};

/** The journal's open positions after the first run stopped. */
let journaled: StoredPosition[] = [];
const AT_REST = ["open", "trailing", "moonbag.running"];

describe("npm start", () => {
  it("prints the dashboard URL with a generated token, trades, and stops gracefully on SIGTERM", async () => {
    const run = start({});
    runs.push(run);
    const m = await eventually(() => {
      const x = /dashboard {2}(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(run.stdout);
      if (x === null) throw new Error(`no dashboard line yet:\n${run.stdout}\n${run.stderr}`);
      return x;
    }, { timeoutMs: 60_000, intervalMs: 50 });
    const [, base, token] = m as unknown as [string, string, string];
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(run.stdout).toContain("paper mode");
    expect(run.stdout).toContain("PRESSURE PRESSURE ADD (the default formula)");
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/status`)).status).toBe(401);
    expect((await fetch(`${base}/status`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);

    await eventually(async () => {
      const s = await call<DaemonStatus>(base, token, "/status");
      expect(s.body.state).toBe("running");
      const open = await call<{ positions: PositionView[] }>(base, token, "/positions");
      // Positions at rest (not mid-order) when we stop: they must come back as they were.
      expect(open.body.positions.filter((p) => AT_REST.includes(p.state)).length).toBeGreaterThanOrEqual(2);
    }, { timeoutMs: 60_000, intervalMs: 100 });

    run.proc.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stdout).toContain("AlphaGPT-TS daemon stopped.");
    expect(existsSync(join(data, "journal.sqlite"))).toBe(true);
    expect(existsSync(join(data, "loopback-market.json"))).toBe(true);
    // What the next start recovers: the open positions, journaled with their snapshots.
    const journal = Journal.open(join(data, "journal.sqlite"));
    journaled = journal.positions.list("active");
    // The supervisor's decisions of this first start, journaled up to its shutdown.
    const decided = journal.supervisor.recent(500).map((r) => `${r.boot}:${r.state}`);
    expect(decided).toEqual(expect.arrayContaining(["1:mode.starting.reconciling", "1:mode.running.enabled", "1:shuttingDown"]));
    journal.close();
    expect(journaled.filter((p) => AT_REST.includes(p.state)).length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("a second start on the same data recovers the open positions, with ALPHAGPT_CONTROL_TOKEN as the token", async () => {
    const token = "my-own-control-token-0123";
    const apiKey = "birdeye-secret-key-0123456789";
    const run = start({ ALPHAGPT_CONTROL_TOKEN: token, ALPHAGPT_BIRDEYE_API_KEY: apiKey, ALPHAGPT_LOG_LEVEL: "info" });
    runs.push(run);
    const base = await eventually(() => {
      const x = /dashboard {2}(http:\/\/127\.0\.0\.1:\d+)\/#token=<your ALPHAGPT_CONTROL_TOKEN>/.exec(run.stdout);
      if (x === null) throw new Error(`no dashboard line yet:\n${run.stdout}\n${run.stderr}`);
      return x[1] as string;
    }, { timeoutMs: 60_000, intervalMs: 50 });
    expect(run.stdout).not.toContain(token);
    await eventually(async () => expect((await call<DaemonStatus>(base, token, "/status")).body.state).toBe("running"), { timeoutMs: 60_000, intervalMs: 100 });
    // Recovery restored every open position and found the paper wallet holding exactly their
    // tokens: nothing was adjusted or closed as sold elsewhere.
    const reconciled = await eventually(() => {
      const r = run.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg?: string; restored?: number; adjusted?: number })
        .find((x) => x.msg === "positions reconciled");
      if (r === undefined) throw new Error("no reconciliation logged yet");
      return r;
    }, { timeoutMs: 20_000, intervalMs: 50 });
    // (A position stopped mid-order may settle from the journal during recovery and close.)
    expect(reconciled.adjusted).toBe(0);
    expect(reconciled.restored).toBeGreaterThanOrEqual(journaled.filter((x) => AT_REST.includes(x.state)).length);
    expect(reconciled.restored).toBeLessThanOrEqual(journaled.length);
    for (const p of journaled.filter((x) => AT_REST.includes(x.state))) {
      const d = await call<PositionDetail>(base, token, `/positions/${p.positionId}`);
      expect(d.status, p.positionId).toBe(200);
      const after = d.body.transitions.filter((x) => x.seq > p.seq);
      expect(after.map((x) => x.reason), p.positionId).not.toContain("external");
      expect(after.map((x) => x.event), p.positionId).not.toContain("recovery.reconcile");
      const stored = p.snapshot as { context: { fills: { qty: number } } };
      if (after.length === 0) expect(d.body.qty, p.positionId).toBe(stored.context.fills.qty);
    }
    run.proc.kill("SIGINT");
    expect(await run.exited).toBe(0);
    // Structured logs on stderr, secrets never in them.
    const lines = run.stderr.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.some((l) => (JSON.parse(l) as { component?: string; msg?: string }).msg === "positions reconciled")).toBe(true);
    expect(run.stderr).not.toContain(token);
    expect(run.stderr).not.toContain(apiKey);
    expect(run.stdout).not.toContain(apiKey);
  }, 120_000);
});
