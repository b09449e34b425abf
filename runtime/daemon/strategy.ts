/**
 * The active strategy: the formula the scorer trades. At start it is the strategy file
 * (`statePath(config, config.strategy.file)`, any format `readStrategyFile` reads) when there is
 * one, else the documented default below. A promotion writes the candidate's file there
 * atomically, so a restart trades what was last promoted.
 */
import { readFile } from "node:fs/promises";
import {
  canonicalise, formulaHash, makeStrategy, parseFormula, toInfix, toRpn, vocabulary, type AlphaParams, type Strategy,
} from "../../alpha/index.js";
import { readTextIfExists, writeFileAtomic } from "../../core/files.js";
import type { AppConfig } from "../../config/index.js";
import { readStrategyFile } from "../research/strategy-file.js";
import { statePath } from "../storage/from-config.js";

/**
 * The default formula, `PRESSURE PRESSURE ADD` (2 x PRESSURE), used until a strategy file exists:
 * the simulated market's planted signal (testkit/sim/signal.ts) is a green candle's pressure
 * predicting the next bar, and sigmoid(2 x PRESSURE) clears the default buy threshold (0.85)
 * when PRESSURE > 0.87, a strong buy candle. PRESSURE alone never could: sigmoid(1) = 0.73.
 */
export const DEFAULT_FORMULA = "PRESSURE PRESSURE ADD";

export interface ActiveStrategy {
  /** Canonical formula hash. */
  readonly id: string;
  /** Canonical RPN text. */
  readonly rpn: string;
  readonly tokens: readonly string[];
  readonly infix: string;
  readonly params: AlphaParams;
  readonly source: "default" | "file" | "promoted";
  readonly createdAt: number;
  readonly activatedAt: number;
  /** Metrics per split, as the strategy file records them (trainer's files only). */
  readonly metrics: readonly { readonly split: string; readonly metrics: Readonly<Record<string, number>> }[];
  readonly validationScore: number | null;
}

export const strategyFilePath = (config: AppConfig): string => statePath(config, config.strategy.file);

export function alphaParamsOf(config: AppConfig): AlphaParams {
  return { featureSet: config.alpha.featureSet, normWindow: config.alpha.normWindow, jumpWindow: config.alpha.jumpWindow };
}

function describe(formula: string | readonly number[], params: AlphaParams, rest: Omit<ActiveStrategy, "id" | "rpn" | "tokens" | "infix" | "params">): ActiveStrategy {
  const root = canonicalise(parseFormula(formula, { featureSet: params.featureSet }).root, params.featureSet);
  const rpn = toRpn(root, params.featureSet);
  return { id: formulaHash(root, params.featureSet), rpn, tokens: rpn.split(" "), infix: toInfix(root, params.featureSet), params, ...rest };
}

export function defaultStrategy(config: AppConfig, now: number): ActiveStrategy {
  return describe(DEFAULT_FORMULA, alphaParamsOf(config), { source: "default", createdAt: now, activatedAt: now, metrics: [], validationScore: null });
}

/** The strategy file's formula, or undefined when there is no file; throws a clear error for a bad one. */
export async function readStrategyAt(path: string, config: AppConfig, now: number, source: ActiveStrategy["source"] = "file"): Promise<ActiveStrategy | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  let loaded;
  try {
    loaded = readStrategyFile(JSON.parse(text), { params: alphaParamsOf(config) });
  } catch (e) {
    throw new Error(`strategy file ${path} is not usable: ${e instanceof Error ? e.message : String(e)}; fix it or delete it to trade the default formula`);
  }
  const s: Strategy = loaded.strategy;
  const file = loaded.trainerFile;
  return describe(s.formula, s.params, {
    source,
    createdAt: file?.createdAtMs ?? now,
    activatedAt: now,
    metrics: file === undefined ? [] : Object.entries(file.metrics).map(([split, metrics]) => ({ split, metrics })),
    validationScore: file?.selection.validationScore ?? null,
  });
}

export async function loadActiveStrategy(config: AppConfig, now: number): Promise<ActiveStrategy> {
  return (await readStrategyAt(strategyFilePath(config), config, now)) ?? defaultStrategy(config, now);
}

/** Make the candidate's file the active one (atomic: a reader sees the old file or the new one). */
export async function installStrategyFile(config: AppConfig, candidatePath: string): Promise<void> {
  await writeFileAtomic(strategyFilePath(config), await readFile(candidatePath));
}

/** Make `formula` the active one as an engine strategy file (alpha/strategy.ts), with the config's thresholds. */
export async function writeEngineStrategy(config: AppConfig, formula: string, params: AlphaParams): Promise<void> {
  const s = makeStrategy(formula, params, { buyThreshold: config.strategy.buyThreshold, sellThreshold: config.strategy.sellThreshold });
  await writeFileAtomic(strategyFilePath(config), JSON.stringify(s, null, 2) + "\n");
}

/** The canonical RPN of a formula under the config's feature set; null when it does not parse. */
export function canonicalRpn(formula: string, featureSet: AlphaParams["featureSet"]): string | null {
  try {
    return toRpn(canonicalise(parseFormula(formula, { featureSet }).root, featureSet), featureSet);
  } catch {
    return null;
  }
}

export const vocabularyOf = (config: AppConfig) => vocabulary(config.alpha.featureSet);
