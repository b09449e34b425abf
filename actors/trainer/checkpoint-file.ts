/**
 * The trainer's checkpoint on disk: the policy (parameters and AdamW state) plus the run's own
 * state (steps done, config hash, pool), written atomically as one file so the two never
 * disagree. `--resume` refuses a checkpoint made under another configuration.
 */
import { join } from "node:path";
import { decodeCheckpoint, encodeCheckpoint } from "../../alpha/model/checkpoint.js";
import type { PolicySnapshot } from "../../alpha/model/policy.js";
import { readIfExists, writeFileAtomic } from "../../core/files.js";
import type { EliteEntry } from "./elite.js";
import type { PoolJson } from "./pool.js";

export const CHECKPOINT_FILE = "trainer.ckpt";

export interface RunState {
  /** Optimiser steps completed; the next step to run. */
  readonly step: number;
  readonly configHash: string;
  readonly seed: number;
  readonly pool: PoolJson;
  /** The elite replay's formulas (absent in checkpoints written before it existed). */
  readonly elite?: readonly EliteEntry[];
  readonly savedAtMs: number;
}

export const checkpointPath = (outDir: string): string => join(outDir, CHECKPOINT_FILE);

export async function saveCheckpoint(path: string, snapshot: PolicySnapshot, state: RunState): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(snapshot, state));
}

export async function loadCheckpoint(path: string, expectedHash: string): Promise<{ snapshot: PolicySnapshot; state: RunState } | undefined> {
  const bytes = await readIfExists(path);
  if (bytes === undefined) return undefined;
  const { snapshot, meta } = decodeCheckpoint<RunState>(bytes);
  if (meta.configHash !== expectedHash) {
    throw new Error(`checkpoint ${path} was made with config ${meta.configHash}, this run is ${expectedHash}: start a new run or use the same settings`);
  }
  return { snapshot, state: meta };
}
