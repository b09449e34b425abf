/**
 * Words and pictures for the CLI: `alphagpt formula explain` (infix plus what each feature and
 * operator means) and the equity sparkline of `alphagpt eval`.
 */
import { featuresUsed, parseFormula, toInfix, toRpn, canonicalise, formulaHash, type Expr, type ParseOptions } from "./formula.js";
import { OPERATORS, VOCAB_VERSION, vocabulary, type FeatureSetId } from "./vocab.js";

export interface Explanation {
  readonly infix: string;
  readonly rpn: string;
  readonly canonicalRpn: string;
  readonly hash: string;
  readonly vocabVersion: string;
  readonly featureSet: FeatureSetId;
  readonly features: readonly { readonly name: string; readonly meaning: string; readonly normalised: boolean }[];
  readonly operators: readonly { readonly name: string; readonly meaning: string }[];
  /** All of the above as printable lines. */
  readonly text: string;
}

/** Throws `FormulaError` for an invalid formula. */
export function explainFormula(input: string | readonly number[], options: ParseOptions = {}): Explanation {
  const f = parseFormula(input, options);
  const v = vocabulary(f.featureSet);
  const features = featuresUsed(f.root).map((id) => {
    const info = v.features[id]!;
    return { name: info.name, meaning: info.meaning, normalised: info.normalised };
  });
  const operators = opsUsed(f.root).map((op) => ({ name: OPERATORS[op]!.name, meaning: OPERATORS[op]!.meaning }));
  const infix = toInfix(f.root, f.featureSet);
  const rpn = toRpn(f.root, f.featureSet);
  const canonicalRpn = toRpn(canonicalise(f.root, f.featureSet), f.featureSet);
  const hash = formulaHash(f.root, f.featureSet);
  const pad = Math.max(0, ...features.map((x) => x.name.length), ...operators.map((x) => x.name.length));
  const text = [
    `signal = ${infix}`,
    `rpn: ${rpn}`,
    `canonical: ${canonicalRpn} (hash ${hash}, ${VOCAB_VERSION}, ${f.featureSet} features)`,
    "features:",
    ...features.map((x) => `  ${x.name.padEnd(pad)}  ${x.meaning}${x.normalised ? " (rolling median/MAD, clamped to +-5)" : ""}`),
    "operators:",
    ...operators.map((x) => `  ${x.name.padEnd(pad)}  ${x.meaning}`),
  ].join("\n");
  return { infix, rpn, canonicalRpn, hash, vocabVersion: VOCAB_VERSION, featureSet: f.featureSet, features, operators, text };
}

function opsUsed(root: Expr): number[] {
  const seen = new Set<number>();
  const walk = (e: Expr): void => {
    if (e.kind === "op") {
      seen.add(e.op);
      e.args.forEach(walk);
    }
  };
  walk(root);
  return [...seen].sort((a, b) => a - b);
}

const RAMPS = { ascii: "_.-~=*#@", blocks: "▁▂▃▄▅▆▇█" } as const;

/**
 * A one-line plot of `values` resampled to `width` columns (the last value of each bucket), low
 * to high on an 8-step ramp: ASCII by default, Unicode blocks on request.
 */
export function sparkline(values: ArrayLike<number>, width = 60, ramp: keyof typeof RAMPS = "ascii"): string {
  const n = values.length;
  if (n === 0 || width <= 0) return "";
  const cols = Math.min(width, n);
  const picked: number[] = [];
  for (let c = 0; c < cols; c++) picked.push(values[Math.min(n - 1, Math.floor(((c + 1) * n) / cols) - 1)]!);
  const lo = Math.min(...picked);
  const hi = Math.max(...picked);
  const chars = RAMPS[ramp];
  return picked
    .map((x) => chars[hi > lo ? Math.min(chars.length - 1, Math.floor(((x - lo) / (hi - lo)) * chars.length)) : 0])
    .join("");
}
