/**
 * Where a training run lives on disk and what `--resume` needs to continue it: the run's folder
 * `<dataDir>/checkpoints/<runId>/` holds the trainer's checkpoint, a manifest (the exact data
 * window and the training settings) and the history saved at each checkpoint;
 * `<dataDir>/checkpoints/latest` names the last run started.
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import { readTextIfExists, writeFileAtomic } from "../../core/files.js";
import type { AppConfig } from "../../config/index.js";
import { VOCAB_VERSION, type Panel } from "../../alpha/index.js";
import { statePath } from "../storage/from-config.js";
import type { PanelQuery } from "./load-panel.js";

export const MANIFEST_SCHEMA = "alphagpt/training-run@1";
const MANIFEST_FILE = "run.json";
const LATEST_FILE = "latest";

/** The data a run trained on, exactly: the window and the tokens actually loaded. */
export interface DataWindow {
  readonly intervalS: number;
  /** Unix seconds, inclusive. */
  readonly from: number;
  /** Unix seconds, exclusive. */
  readonly to: number;
  readonly bars: number;
  readonly tokens: number;
  readonly mints: readonly string[];
}

export interface RunManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly runId: string;
  readonly startedMs: number;
  readonly window: DataWindow;
  /** The effective `training.*` settings of the run (flags applied). */
  readonly training: AppConfig["training"];
  /** The engine settings the rewards depend on. */
  readonly alpha: AppConfig["alpha"];
  readonly workers: number | null;
}

export function dataWindowOf(panel: Panel): DataWindow {
  const n = panel.nTimes;
  return {
    intervalS: panel.intervalS,
    from: n > 0 ? panel.times[0]! : 0,
    to: n > 0 ? panel.times[n - 1]! + panel.intervalS : 0,
    bars: n,
    tokens: panel.nTokens,
    mints: [...panel.mints],
  };
}

/** The query that reloads exactly this window. */
export function windowQuery(w: DataWindow): PanelQuery {
  return { intervalS: w.intervalS, maxTokens: Math.max(1, w.mints.length), from: w.from, to: w.to, mints: w.mints };
}

/** What the trainer records in the strategy file as its data window (mints left out: the run's manifest has them). */
export function strategyDataWindow(runId: string, w: DataWindow, config: AppConfig): Record<string, unknown> {
  const { alpha, strategy } = config;
  return {
    runId,
    intervalS: w.intervalS,
    from: w.from,
    to: w.to,
    fromIso: new Date(w.from * 1000).toISOString(),
    toIso: new Date(w.to * 1000).toISOString(),
    bars: w.bars,
    tokens: w.tokens,
    vocabVersion: VOCAB_VERSION,
    params: { featureSet: alpha.featureSet, normWindow: alpha.normWindow, jumpWindow: alpha.jumpWindow },
    rule: { buyThreshold: strategy.buyThreshold, sellThreshold: strategy.sellThreshold },
    splits: { train: alpha.trainShare, validation: alpha.validationShare },
  };
}

export const runDir = (config: AppConfig, runId: string): string => statePath(config, "checkpoints", runId);

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
};

/** A new run id from the start time and seed, unique under `checkpoints/`. */
export async function newRunId(config: AppConfig, startedMs: number, seed: number): Promise<string> {
  const stamp = new Date(startedMs).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = `${stamp}-s${seed}`;
  for (let k = 1; ; k++) {
    const id = k === 1 ? base : `${base}-${k}`;
    if (!(await exists(runDir(config, id)))) return id;
  }
}

export async function saveManifest(config: AppConfig, m: RunManifest): Promise<void> {
  const dir = runDir(config, m.runId);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(`${dir}/${MANIFEST_FILE}`, JSON.stringify(m, null, 2) + "\n");
  await writeFileAtomic(statePath(config, "checkpoints", LATEST_FILE), m.runId + "\n");
}

/** The last run started, or undefined when there is none. */
export async function latestManifest(config: AppConfig): Promise<RunManifest | undefined> {
  const runId = (await readTextIfExists(statePath(config, "checkpoints", LATEST_FILE)))?.trim();
  if (runId === undefined || runId === "") return undefined;
  const json = JSON.parse(await readFile(`${runDir(config, runId)}/${MANIFEST_FILE}`, "utf8")) as Partial<RunManifest>;
  if (json.schema !== MANIFEST_SCHEMA) throw new Error(`${runDir(config, runId)}/${MANIFEST_FILE} is not a ${MANIFEST_SCHEMA} manifest`);
  return json as RunManifest;
}
