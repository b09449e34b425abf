/**
 * Reading any strategy file the CLI may be handed. Two formats exist and differ:
 *
 * - the trainer's `best_meme_strategy.json` (`actors/trainer/strategy.ts`, schema
 *   `alphagpt/strategy@1`): `{ schema, formula: { tokens, names, rpn, infix }, vocabulary:
 *   { version, featureSet, size }, metrics, selection, alternates, dataWindow, seed, ... }`;
 * - the alpha engine's `Strategy` (`alpha/strategy.ts`, read by `readStrategy`): `{ vocabVersion,
 *   params: { featureSet, normWindow, jumpWindow }, rule: { buyThreshold, sellThreshold },
 *   formula: [ids], rpn }`, or upstream's bare id array.
 *
 * `readStrategy` refuses the trainer's file (it has no `vocabVersion`), so this adapter decodes
 * the trainer's schema itself and maps it onto a `Strategy`; everything else goes to
 * `readStrategy`. Errors are the engine's `StrategyError`, so callers handle one error type.
 */
import { decodeStrategyFile, STRATEGY_SCHEMA, type StrategyFile } from "../../actors/trainer/index.js";
import {
  DEFAULT_TRADE_RULE,
  FormulaError,
  isFeatureSetId,
  makeStrategy,
  readStrategy,
  StrategyError,
  VOCAB_VERSION,
  type AlphaParams,
  type Strategy,
  type TradeRule,
} from "../../alpha/index.js";

export interface StrategyFileOptions {
  /** Windows and rule the trainer's file does not record (the data window may); default the engine's. */
  readonly params?: Partial<AlphaParams>;
  readonly rule?: TradeRule;
}

export interface LoadedStrategy {
  readonly strategy: Strategy;
  /** Which format the file was in. */
  readonly format: "trainer" | "engine" | "upstream";
  /** The trainer's file as decoded, when it was one. */
  readonly trainerFile?: StrategyFile;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Windows the train command records in the strategy file's data window (`dataWindow.params`). */
function recordedParams(dataWindow: unknown): Partial<AlphaParams> {
  const p = isRecord(dataWindow) ? dataWindow["params"] : undefined;
  if (!isRecord(p)) return {};
  const out: { normWindow?: number; jumpWindow?: number } = {};
  if (typeof p["normWindow"] === "number") out.normWindow = p["normWindow"];
  if (typeof p["jumpWindow"] === "number") out.jumpWindow = p["jumpWindow"];
  return out;
}

function recordedRule(dataWindow: unknown): TradeRule | undefined {
  const r = isRecord(dataWindow) ? dataWindow["rule"] : undefined;
  if (!isRecord(r) || typeof r["buyThreshold"] !== "number" || typeof r["sellThreshold"] !== "number") return undefined;
  return { buyThreshold: r["buyThreshold"], sellThreshold: r["sellThreshold"] };
}

/** The trainer's `alphagpt/strategy@1` file as an engine `Strategy`; throws `StrategyError`. */
export function strategyFromTrainerFile(json: unknown, options: StrategyFileOptions = {}): LoadedStrategy {
  let file: StrategyFile;
  try {
    file = decodeStrategyFile(json);
  } catch (e) {
    throw new StrategyError("malformed", `not a valid ${STRATEGY_SCHEMA} file: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
  if (file.vocabulary.version !== VOCAB_VERSION) {
    throw new StrategyError("vocab-version", `strategy vocabulary ${file.vocabulary.version} is not ${VOCAB_VERSION}`);
  }
  const featureSet = file.vocabulary.featureSet ?? "basic";
  if (!isFeatureSetId(featureSet)) throw new StrategyError("malformed", `unknown feature set "${featureSet}"`);
  const params: Partial<AlphaParams> = { ...options.params, ...recordedParams(file.dataWindow), featureSet };
  let strategy: Strategy;
  try {
    strategy = makeStrategy(file.formula.tokens, params, recordedRule(file.dataWindow) ?? options.rule ?? DEFAULT_TRADE_RULE);
  } catch (e) {
    if (e instanceof FormulaError) throw new StrategyError("formula", e.message);
    throw e;
  }
  if (strategy.rpn !== file.formula.rpn) {
    throw new StrategyError("formula", `ids read as "${strategy.rpn}", the file says "${file.formula.rpn}"`);
  }
  return { strategy, format: "trainer", trainerFile: file };
}

/** Any strategy file: the trainer's, the engine's, or upstream's id array. Throws `StrategyError`. */
export function readStrategyFile(json: unknown, options: StrategyFileOptions = {}): LoadedStrategy {
  if (isRecord(json) && json["schema"] !== undefined) {
    if (json["schema"] !== STRATEGY_SCHEMA) throw new StrategyError("malformed", `unknown strategy schema ${JSON.stringify(json["schema"])} (this version reads ${STRATEGY_SCHEMA})`);
    return strategyFromTrainerFile(json, options);
  }
  const upstream = Array.isArray(json) || (isRecord(json) && Object.keys(json).length === 1 && Array.isArray(json["formula"]));
  return { strategy: readStrategy(json, { allowUpstream: true }), format: upstream ? "upstream" : "engine" };
}

/** `strategies.vocab_version` is a number: the `@N` of `VOCAB_VERSION`. */
export function vocabVersionNumber(version: string = VOCAB_VERSION): number {
  const m = /@(\d+)$/.exec(version);
  return m === null ? 0 : Number(m[1]);
}

export interface CanonicalFormula {
  readonly hash: string;
  readonly rpn: string;
  readonly infix: string;
}

/** A `strategies` row (migrations/003_research.ts) for a trainer's strategy file. */
export function strategyRow(
  file: StrategyFile,
  formula: CanonicalFormula,
  window: { readonly from: number; readonly to: number },
  extra: Readonly<Record<string, unknown>>,
  nowMs: number,
): Record<string, string | number> {
  return {
    strategy_id: formula.hash,
    formula: formula.rpn,
    infix: formula.infix,
    vocab_version: vocabVersionNumber(file.vocabulary.version),
    feature_set: file.vocabulary.featureSet ?? "basic",
    metrics: JSON.stringify({ ...file.metrics, selection: file.selection, ...extra }),
    data_from: window.from,
    data_to: window.to,
    created_ts: Math.floor(file.createdAtMs / 1000),
    version: nowMs,
  };
}
