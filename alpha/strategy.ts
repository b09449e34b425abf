/**
 * A strategy file: the formula with everything that gives its tokens a meaning. Upstream stores
 * a bare array of ids (§10), which silently changes meaning when the vocabulary does (§3.1
 * history); ours records the vocabulary version, feature set and windows, and refuses a
 * mismatch instead of evaluating something else.
 */
import { FormulaError, parseFormula, toRpn } from "./formula.js";
import { DEFAULT_ALPHA_PARAMS, DEFAULT_TRADE_RULE, type AlphaParams, type TradeRule } from "./params.js";
import { isFeatureSetId, VOCAB_VERSION } from "./vocab.js";

export interface Strategy {
  readonly vocabVersion: string;
  readonly params: AlphaParams;
  readonly rule: TradeRule;
  /** Token ids in RPN order. */
  readonly formula: readonly number[];
  /** The same formula as text, for people; checked against the ids on reading. */
  readonly rpn: string;
}

export type StrategyErrorReason = "malformed" | "vocab-version" | "formula";

export class StrategyError extends Error {
  readonly _tag = "StrategyError";
  constructor(
    readonly reason: StrategyErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "StrategyError";
  }
}

export function makeStrategy(formula: string | readonly number[], params: Partial<AlphaParams> = {}, rule: TradeRule = DEFAULT_TRADE_RULE): Strategy {
  const p: AlphaParams = { ...DEFAULT_ALPHA_PARAMS, ...params };
  const f = parseFormula(formula, { featureSet: p.featureSet });
  return { vocabVersion: VOCAB_VERSION, params: p, rule, formula: f.tokens, rpn: toRpn(f.root, p.featureSet) };
}

export interface ReadOptions {
  /** Accept upstream's bare id array or `{ "formula": [...] }` as basic-set ids. Default false. */
  readonly allowUpstream?: boolean;
}

/** Validate a parsed strategy file; throws `StrategyError`. */
export function readStrategy(json: unknown, options: ReadOptions = {}): Strategy {
  if (options.allowUpstream === true) {
    const ids = Array.isArray(json) ? json : isRecord(json) && Object.keys(json).length === 1 ? json["formula"] : undefined;
    if (Array.isArray(ids)) return checked(() => makeStrategy(ids as number[]));
  }
  if (!isRecord(json)) throw new StrategyError("malformed", "a strategy is a JSON object");
  if (json["vocabVersion"] !== VOCAB_VERSION) {
    const found = json["vocabVersion"] === undefined ? "has no vocabVersion" : `is of vocabulary ${JSON.stringify(json["vocabVersion"])}`;
    throw new StrategyError("vocab-version", `the strategy ${found}; this engine reads ${VOCAB_VERSION}`);
  }
  const params = json["params"];
  const rule = json["rule"];
  const featureSet = isRecord(params) ? params["featureSet"] : undefined;
  if (!isRecord(params) || !isFeatureSetId(featureSet) || !isPositiveInt(params["normWindow"]) || !isPositiveInt(params["jumpWindow"])) {
    throw new StrategyError("malformed", "params needs featureSet (basic|extended), normWindow and jumpWindow");
  }
  const buyThreshold = isRecord(rule) ? rule["buyThreshold"] : undefined;
  const sellThreshold = isRecord(rule) ? rule["sellThreshold"] : undefined;
  if (typeof buyThreshold !== "number" || typeof sellThreshold !== "number") {
    throw new StrategyError("malformed", "rule needs buyThreshold and sellThreshold");
  }
  if (!Array.isArray(json["formula"])) throw new StrategyError("malformed", "formula is an array of token ids");
  const s = checked(() =>
    makeStrategy(
      json["formula"] as number[],
      { featureSet, normWindow: params["normWindow"] as number, jumpWindow: params["jumpWindow"] as number },
      { buyThreshold, sellThreshold },
    ),
  );
  if (typeof json["rpn"] === "string" && json["rpn"] !== s.rpn) {
    throw new StrategyError("formula", `ids read as "${s.rpn}", the file says "${json["rpn"]}"`);
  }
  return s;
}

function checked(make: () => Strategy): Strategy {
  try {
    return make();
  } catch (e) {
    if (e instanceof FormulaError) throw new StrategyError("formula", e.message);
    throw e;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isPositiveInt(x: unknown): boolean {
  return typeof x === "number" && Number.isInteger(x) && x > 0;
}
