/**
 * Test helpers for the daemon's end-to-end tests (test/e2e/daemon-*.test.ts): a daemon on a
 * temporary data directory, port 0 and a known token, on a fast loopback market and with exit
 * rules tuned so that positions reach TP1, trailing and the moonbag within seconds; calls to its
 * HTTP API; and reads of the journal's transition history. Never used by the daemon itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { loadConfig, type AppConfig } from "../../config/index.js";
import { supervisorPolicy, type PolicyOverrides } from "../../machines/supervisor.policy.js";
import type { TransitionRow } from "../journal/types.js";
import { startDaemon, type Daemon, type DaemonOptions } from "./daemon.js";

export const TEST_CONTROL_TOKEN = "daemon-test-token-0123456789";

/**
 * Exit rules and limits that make the simulated market's moves visible in seconds: small entries
 * (no price impact to speak of), thin pools allowed, no cooldown, TP1 at +5%, trailing armed at
 * +2% with a 4% drop, the moonbag at 1.25x, a wide stop, and no AI exit (so positions live long
 * enough to show their states).
 */
export const FAST_TRADING: Readonly<Record<string, unknown>> = {
  "strategy.entryAmountSol": 0.05,
  "strategy.maxOpenPositions": 8,
  "strategy.buyThreshold": 0.85,
  "strategy.sellThreshold": 0,
  "strategy.stopLossPct": -0.3,
  "strategy.takeProfit1Pct": 0.05,
  "strategy.takeProfit1SellFraction": 0.5,
  "strategy.trailingActivationPct": 0.02,
  "strategy.trailingDropPct": 0.04,
  "strategy.moonbagTriggerMultiple": 1.25,
  "strategy.moonbagTrailingDropPct": 0.3,
  "risk.minLiquidityUsd": 200,
  "risk.maxPriceImpactPct": 0.2,
  "risk.maxTokenExposureSol": 1,
  "risk.maxTotalExposureSol": 10,
  "risk.dailyLossLimitSol": 10,
  "risk.cooldownS": 0,
  // Small windows: the trainer can run on a few minutes of bars.
  "alpha.normWindow": 20,
  "alpha.jumpWindow": 10,
  "training.retrainIntervalS": 0,
  "training.backend": "wasm",
  "writer.maxBatchAgeMs": 200,
};

/** Heartbeats every 200 ms, hangs after 3 s, restarts after 100 ms, 200 ms, ... (no jitter). */
export const FAST_POLICY: PolicyOverrides = {
  restart: { baseMs: 100, factor: 2, maxDelayMs: 2_000, jitter: 0, maxRestarts: 5, windowMs: 60_000 },
  children: Object.fromEntries(["ingest", "scorer", "trainer", "executor", "positions"].map((n) => [n, { heartbeatTimeoutMs: 3_000 }])),
  shutdownGraceMs: 20_000,
};

export interface TestDaemonOptions {
  /** Config keys (dotted) over FAST_TRADING. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly daemon?: Partial<Omit<DaemonOptions, "config" | "logger">>;
  /** Log to this file (JSON lines) instead of nowhere. */
  readonly logFile?: string;
  readonly dataDir?: string;
}

export interface TestDaemon {
  readonly daemon: Daemon;
  readonly dir: string;
  readonly config: AppConfig;
  /** An authorised call to the control API; the body parsed as JSON. */
  api<T = unknown>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A position's journaled transitions, oldest first. */
  transitions(positionId: string): TransitionRow[];
  /** Every position's journaled transitions. */
  allTransitions(): Map<string, TransitionRow[]>;
  close(): Promise<void>;
}

export function testLogger(file?: string): Logger {
  return file === undefined ? pino({ level: "silent" }) : pino({ level: "info" }, pino.destination({ dest: file, sync: false }));
}

/** The test config: FAST_TRADING and `extra` over the defaults, state under `dir`. */
export function testConfig(dir: string, extra: Readonly<Record<string, unknown>> = {}): AppConfig {
  return loadConfig({
    env: {},
    overrides: { dataDir: dir, "http.port": 0, "http.controlToken": TEST_CONTROL_TOKEN, ...FAST_TRADING, ...extra },
  }).config;
}

export async function startTestDaemon(o: TestDaemonOptions = {}): Promise<TestDaemon> {
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), "alphagpt-daemon-"));
  const config = testConfig(dir, o.config);
  const daemon = await startDaemon({
    config,
    logger: testLogger(o.logFile),
    heartbeatMs: 200,
    policy: FAST_POLICY,
    market: { seed: 3, tokens: 30, bars: 2_000, signalStrength: 1.2, speed: 600, sim: { launchWindow: 0.05, activity: 2 } },
    trainer: { workers: 0, pollMs: 500, shadowBars: 5, shadowWaitMs: 20_000, stallMs: 60_000 },
    feedStaleMs: 10_000,
    storeRawEvents: false,
    ...o.daemon,
  });
  const api = async <T>(method: "GET" | "POST", path: string, body?: unknown) => {
    const res = await fetch(`${daemon.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${daemon.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as T };
  };
  return {
    daemon,
    dir,
    config,
    api,
    transitions: (id) => daemon.journal.positions.transitions(id),
    allTransitions: () => new Map(daemon.journal.positions.list().map((p) => [p.positionId, daemon.journal.positions.transitions(p.positionId)])),
    close: async () => {
      await daemon.stop();
      if (o.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The supervisor policy the tests run under, resolved (for assertions on timeouts). */
export const fastPolicy = () => supervisorPolicy(FAST_POLICY);
