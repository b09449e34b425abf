/**
 * Sweeps: several configs replayed over the same recorded range in parallel worker threads,
 * with a summary table. The rows reach the workers as one recording (the CLI exports a
 * ClickHouse range to a binary one once, in the main thread, payloads decoded there once): workers import nothing that loads chdb
 * (DESIGN.md pitfalls) and each streams the file in pages, so memory stays flat per worker.
 *
 * The sweep file is a JSON array of config overrides, each an object of dotted keys
 * (`{"strategy.stopLossPct": -0.1}`) or nested objects (`{"strategy": {"stopLossPct": -0.1}}`),
 * with an optional `name`. Each is validated as a whole config (defaults, file, env, then the
 * override) before any worker starts; a bad key stops the sweep with every problem listed.
 */
import { readFile } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { AppConfig } from "../../config/index.js";
import type { RejectedRecords } from "../../streams/replay/file-readers.js";
import type { BacktestMetrics } from "./metrics.js";
import type { ReplayCounters, ReplayStrategy } from "./driver.js";

export interface SweepEntry {
  readonly name: string;
  /** Dotted key → value. */
  readonly overrides: Readonly<Record<string, unknown>>;
}

export interface SweepJob {
  readonly id: number;
  readonly name: string;
  readonly config: AppConfig;
  readonly strategy: ReplayStrategy & { readonly infix: string };
  readonly eventsPath: string;
  readonly pageSize: number;
  readonly source: string;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly solUsd: number | null;
  readonly outDir: string | null;
}

export type SweepReply =
  | { readonly type: "done"; readonly id: number; readonly name: string; readonly hash: string; readonly metrics: BacktestMetrics; readonly counters: ReplayCounters; readonly reportDir: string | null; readonly rejected: RejectedRecords }
  | { readonly type: "failed"; readonly id: number; readonly name: string; readonly message: string };

export type SweepResult = Extract<SweepReply, { type: "done" }> | Extract<SweepReply, { type: "failed" }>;

const isTree = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Nested objects to dotted keys (`{a: {b: 1}}` → `{"a.b": 1}`); arrays and scalars are leaves. */
export function flatten(o: Readonly<Record<string, unknown>>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix === "" ? k : `${prefix}.${k}`;
    if (isTree(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

/** Parse a sweep file's text; throws an Error naming what is wrong (entries counted from 1, as the report folders are). */
export function parseSweep(text: string): SweepEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(json) || json.length === 0) throw new Error("a sweep is a non-empty JSON array of config overrides");
  const names = new Set<string>();
  return json.map((entry, i) => {
    if (!isTree(entry)) throw new Error(`entry ${i + 1} is not an object of config overrides`);
    const { name, ...rest } = entry;
    if (name !== undefined && typeof name !== "string") throw new Error(`entry ${i + 1}: name must be a string`);
    const overrides = flatten(rest);
    const label = name ?? (Object.keys(overrides).length === 0 ? "base" : Object.entries(overrides).map(([k, v]) => `${k.split(".").pop()}=${JSON.stringify(v)}`).join(" "));
    let unique = label;
    for (let n = 2; names.has(unique); n++) unique = `${label} (${n})`;
    names.add(unique);
    return { name: unique, overrides };
  });
}

export async function readSweep(path: string): Promise<SweepEntry[]> {
  return parseSweep(await readFile(path, "utf8"));
}

/**
 * The worker beside this file. From TypeScript sources a tiny eval'd bootstrap registers tsx in
 * the worker first (as the trainer's host does).
 */
function spawnWorker(): Worker {
  // A replay's young generation as the CLI sizes it (bin/alphagpt.js): 32 MB semi-spaces, three per young generation.
  const resourceLimits = { maxYoungGenerationSizeMb: 96 };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./sweep-worker.js", import.meta.url), { resourceLimits });
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./sweep-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

/** Run the jobs on `workers` threads (at least 1, at most one per job); results in job order. */
export async function runSweep(jobs: readonly SweepJob[], workers: number, onDone?: (r: SweepResult) => void): Promise<SweepResult[]> {
  const n = Math.max(1, Math.min(workers, jobs.length));
  const results: SweepResult[] = new Array<SweepResult>(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    const worker = spawnWorker();
    let dead = false;
    try {
      for (;;) {
        const job = jobs[next++];
        if (job === undefined) return;
        const reply = await new Promise<SweepReply>((resolve) => {
          const done = (r: SweepReply) => {
            worker.off("message", onMessage);
            worker.off("error", onError);
            worker.off("exit", onExit);
            resolve(r);
          };
          const onMessage = (m: SweepReply) => {
            if (m.id === job.id) done(m);
          };
          const onError = (e: Error) => {
            dead = true;
            done({ type: "failed", id: job.id, name: job.name, message: e.stack ?? e.message });
          };
          const onExit = (code: number) => {
            dead = true;
            done({ type: "failed", id: job.id, name: job.name, message: `its worker exited with code ${code}` });
          };
          worker.on("message", onMessage);
          worker.once("error", onError);
          worker.once("exit", onExit);
          worker.postMessage(job);
        });
        results[job.id] = reply;
        onDone?.(reply);
        if (dead) return;
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: n }, lane));
  return results.map((r, i) => r ?? { type: "failed", id: i, name: jobs[i]?.name ?? String(i), message: "not run: its worker died" });
}

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null, d = 2) => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

/** The summary table, one line per config, in the sweep file's order. */
export function formatSweep(results: readonly SweepResult[]): string {
  const header = ["config", "net", "sharpe(d)", "maxDD", "hit", "trips", "trades", "turnover", "fees SOL", "capacity", "hash"];
  const rows = results.map((r) =>
    r.type === "failed"
      ? [r.name, "FAILED", r.message.split("\n")[0] ?? "", "", "", "", "", "", "", "", ""]
      : [r.name, pct(r.metrics.netReturn), num(r.metrics.sharpe), pct(r.metrics.maxDrawdown), pct(r.metrics.hitRate), String(r.metrics.roundTrips), String(r.metrics.trades),
        num(r.metrics.turnover), num(r.metrics.feesSol, 4), r.metrics.capacitySol === null ? "n/a" : num(r.metrics.capacitySol, 1), r.hash.slice(0, 12)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
