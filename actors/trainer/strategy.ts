/**
 * The strategy file, `best_meme_strategy.json` (upstream's name; upstream stored a bare list of
 * 12 ids with nothing to say which vocabulary, data or run produced it, §10). Versioned schema:
 * a reader checks `schema` and refuses anything it does not know.
 */
import { Schema } from "effect";
import type { PoolEntry } from "./pool.js";
import type { FormulaReport, TrainerVocab, Tokens } from "./types.js";

export const STRATEGY_SCHEMA = "alphagpt/strategy@1";
export const STRATEGY_FILE = "best_meme_strategy.json";

const Metrics = Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Number));
const FormulaText = Schema.Struct({
  tokens: Schema.Array(Schema.Number),
  names: Schema.Array(Schema.String),
  rpn: Schema.String,
  infix: Schema.String,
});

export const StrategyFileSchema = Schema.Struct({
  schema: Schema.Literal(STRATEGY_SCHEMA),
  formula: FormulaText,
  vocabulary: Schema.Struct({ version: Schema.String, featureSet: Schema.NullOr(Schema.String), size: Schema.Number }),
  /** Metrics per split (train / validation / test), from the scorer's report. */
  metrics: Metrics,
  selection: Schema.Struct({ validationScore: Schema.Number, trainReward: Schema.Number, step: Schema.Number }),
  /** The rest of the pool, best first: alternates when the best one stops working. */
  alternates: Schema.Array(Schema.Struct({ formula: FormulaText, validationScore: Schema.Number })),
  dataWindow: Schema.Unknown,
  seed: Schema.Number,
  configHash: Schema.String,
  createdAt: Schema.String,
  createdAtMs: Schema.Number,
});

export type StrategyFile = typeof StrategyFileSchema.Type;

export const decodeStrategyFile = Schema.decodeUnknownSync(StrategyFileSchema);

/** RPN text: the token names separated by spaces (`RET DECAY DEV SUB`). */
export function rpnText(f: Tokens, vocab: TrainerVocab): string {
  return f.map((id) => vocab.names[id] ?? `#${id}`).join(" ");
}

/** Infix text in upstream's style, `SUB(DECAY(RET), DEV)`, from names and arities only. */
export function infixText(f: Tokens, vocab: TrainerVocab): string {
  const stack: string[] = [];
  for (const id of f) {
    const name = vocab.names[id] ?? `#${id}`;
    const a = vocab.arity[id] ?? 0;
    if (a === 0) stack.push(name);
    else stack.push(`${name}(${stack.splice(stack.length - a, a).join(", ")})`);
  }
  return stack.join(" ");
}

function formulaText(f: Tokens, vocab: TrainerVocab, report?: FormulaReport): StrategyFile["formula"] {
  return {
    tokens: [...f],
    names: f.map((id) => vocab.names[id] ?? `#${id}`),
    rpn: report?.rpn ?? rpnText(f, vocab),
    infix: report?.infix ?? infixText(f, vocab),
  };
}

export interface StrategyInputs {
  readonly best: PoolEntry;
  readonly alternates: readonly PoolEntry[];
  readonly report: FormulaReport | undefined;
  readonly vocab: TrainerVocab;
  readonly dataWindow: unknown;
  readonly seed: number;
  readonly configHash: string;
  readonly nowMs: number;
}

export function buildStrategyFile(x: StrategyInputs): StrategyFile {
  return {
    schema: STRATEGY_SCHEMA,
    formula: formulaText(x.best.tokens, x.vocab, x.report),
    vocabulary: { version: x.vocab.version, featureSet: x.vocab.featureSet ?? null, size: x.vocab.size },
    metrics: x.report?.metrics ?? { validation: { score: x.best.score }, train: { reward: x.best.trainReward } },
    selection: { validationScore: x.best.score, trainReward: x.best.trainReward, step: x.best.step },
    alternates: x.alternates.map((e) => ({ formula: formulaText(e.tokens, x.vocab), validationScore: e.score })),
    dataWindow: x.dataWindow ?? null,
    seed: x.seed,
    configHash: x.configHash,
    createdAt: new Date(x.nowMs).toISOString(),
    createdAtMs: x.nowMs,
  };
}
