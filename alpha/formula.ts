/**
 * Formulas: RPN token lists (upstream's format, §6) parsed into expression trees. An invalid
 * formula is rejected here with its position and reason, so no evaluator ever sees one.
 */
import { createHash } from "node:crypto";
import { OPERATORS, VOCAB_VERSION, vocabulary, type FeatureSetId } from "./vocab.js";

export type Expr =
  | { readonly kind: "feature"; readonly feature: number }
  | { readonly kind: "op"; readonly op: number; readonly args: readonly Expr[] };

export interface Formula {
  readonly featureSet: FeatureSetId;
  /** Token ids in RPN order, as parsed (not canonicalised). */
  readonly tokens: readonly number[];
  readonly root: Expr;
}

export type FormulaErrorReason =
  | "empty"
  | "too-long"
  | "unknown-token"
  | "stack-underflow"
  | "leftover-operands";

/**
 * A formula that cannot be evaluated; `position` is the 0-based token index it failed at (the
 * length for a problem with the whole formula). The message counts tokens from 1, as people do.
 */
export class FormulaError extends Error {
  readonly _tag = "FormulaError";
  constructor(
    readonly reason: FormulaErrorReason,
    readonly position: number,
    readonly token: string | null,
    detail: string,
  ) {
    super(`invalid formula${token === null ? "" : ` at token ${position + 1} (${token})`}: ${detail}`);
    this.name = "FormulaError";
  }
}

export interface ParseOptions {
  readonly featureSet?: FeatureSetId;
  /** Longest accepted formula in tokens (upstream samples exactly 12). Default 64. */
  readonly maxLength?: number;
}

/** Split RPN text (`RET DECAY DEV SUB`, `[0, 15, 4, 7]`, commas optional) into raw tokens. */
function lex(text: string): string[] {
  return text
    .replace(/[[\]]/g, " ")
    .split(/[\s,]+/)
    .filter((s) => s.length > 0);
}

/** Parse RPN text or token ids; throws `FormulaError`. */
export function parseFormula(input: string | readonly number[], options: ParseOptions = {}): Formula {
  const featureSet = options.featureSet ?? "basic";
  const maxLength = options.maxLength ?? 64;
  const vocab = vocabulary(featureSet);
  const raw: readonly (string | number)[] = typeof input === "string" ? lex(input) : input;
  if (raw.length === 0) throw new FormulaError("empty", 0, null, "no tokens");
  if (raw.length > maxLength) {
    throw new FormulaError("too-long", maxLength, null, `${raw.length} tokens, at most ${maxLength}`);
  }
  const tokens: number[] = [];
  const stack: Expr[] = [];
  raw.forEach((tok, pos) => {
    const id = tokenId(tok, vocab.ids, vocab.size);
    if (id === null) {
      throw new FormulaError("unknown-token", pos, String(tok), `not in the ${featureSet} vocabulary`);
    }
    tokens.push(id);
    if (id < vocab.opOffset) {
      stack.push({ kind: "feature", feature: id });
      return;
    }
    const op = id - vocab.opOffset;
    const info = OPERATORS[op]!;
    if (stack.length < info.arity) {
      throw new FormulaError(
        "stack-underflow",
        pos,
        info.name,
        `${info.name} needs ${info.arity} operand(s), ${stack.length} available`,
      );
    }
    const args = stack.splice(stack.length - info.arity, info.arity);
    stack.push({ kind: "op", op, args });
  });
  if (stack.length !== 1) {
    throw new FormulaError(
      "leftover-operands",
      raw.length,
      null,
      `${stack.length} values left on the stack after the last token, expected exactly 1`,
    );
  }
  return { featureSet, tokens, root: stack[0]! };
}

function tokenId(tok: string | number, ids: ReadonlyMap<string, number>, size: number): number | null {
  if (typeof tok === "number") return Number.isInteger(tok) && tok >= 0 && tok < size ? tok : null;
  if (/^\d+$/.test(tok)) return tokenId(Number(tok), ids, size);
  return ids.get(tok.toUpperCase()) ?? null;
}

export type ParseResult =
  | { readonly ok: true; readonly formula: Formula }
  | { readonly ok: false; readonly error: FormulaError };

/** `parseFormula` without throwing, for batches where most samples may be invalid. */
export function tryParseFormula(input: string | readonly number[], options: ParseOptions = {}): ParseResult {
  try {
    return { ok: true, formula: parseFormula(input, options) };
  } catch (e) {
    if (e instanceof FormulaError) return { ok: false, error: e };
    throw e;
  }
}

/** Token ids of a tree in RPN order. */
export function toTokens(root: Expr, featureSet: FeatureSetId): number[] {
  const off = vocabulary(featureSet).opOffset;
  const out: number[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === "feature") out.push(e.feature);
    else {
      e.args.forEach(walk);
      out.push(off + e.op);
    }
  };
  walk(root);
  return out;
}

/** RPN text of a tree: `RET DECAY DEV SUB`. */
export function toRpn(root: Expr, featureSet: FeatureSetId): string {
  const names = vocabulary(featureSet).names;
  return toTokens(root, featureSet)
    .map((id) => names[id])
    .join(" ");
}

/**
 * Order the operands of commutative operators by their RPN text, bottom up, so that formulas
 * equal up to operand order share one canonical form (and one hash, and one cache entry).
 */
export function canonicalise(root: Expr, featureSet: FeatureSetId): Expr {
  const key = new Map<Expr, string>();
  const names = vocabulary(featureSet).names;
  const off = vocabulary(featureSet).opOffset;
  const walk = (e: Expr): Expr => {
    if (e.kind === "feature") {
      key.set(e, names[e.feature]!);
      return e;
    }
    let args = e.args.map(walk);
    if (OPERATORS[e.op]!.commutative) args = [...args].sort((a, b) => cmp(key.get(a)!, key.get(b)!));
    const out: Expr = { kind: "op", op: e.op, args };
    key.set(out, `${args.map((a) => key.get(a)).join(" ")} ${names[off + e.op]}`);
    return out;
  };
  return walk(root);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A formula's identity: canonical RPN text under a vocabulary version and feature set. */
export function formulaKey(root: Expr, featureSet: FeatureSetId): string {
  return `${VOCAB_VERSION}|${featureSet}|${toRpn(canonicalise(root, featureSet), featureSet)}`;
}

/** 16 hex digits of SHA-256 over `formulaKey`: stable across runs and machines. */
export function formulaHash(root: Expr, featureSet: FeatureSetId): string {
  return createHash("sha256").update(formulaKey(root, featureSet)).digest("hex").slice(0, 16);
}

const PREC: Record<string, number> = { ADD: 1, SUB: 1, MUL: 2, DIV: 2, NEG: 3 };
const SYMBOL: Record<string, string> = { ADD: "+", SUB: "-", MUL: "*", DIV: "/" };

/** Human-readable infix with minimal parentheses: `decay(RET) - DEV`. */
export function toInfix(root: Expr, featureSet: FeatureSetId): string {
  const names = vocabulary(featureSet).names;
  const prec = (e: Expr): number => (e.kind === "op" ? (PREC[OPERATORS[e.op]!.name] ?? 9) : 9);
  const render = (e: Expr): string => {
    if (e.kind === "feature") return names[e.feature]!;
    const name = OPERATORS[e.op]!.name;
    const args = e.args.map(render);
    const sym = SYMBOL[name];
    if (sym !== undefined) {
      const p = PREC[name]!;
      const [l, r] = e.args as [Expr, Expr];
      // The right operand of - and / keeps its parentheses at equal precedence: a - (b - c).
      const rightTight = name === "SUB" || name === "DIV" ? prec(r) <= p : prec(r) < p;
      const ls = prec(l) < p ? `(${args[0]})` : args[0]!;
      const rs = rightTight ? `(${args[1]})` : args[1]!;
      return `${ls} ${sym} ${rs}`;
    }
    if (name === "NEG") return prec(e.args[0]!) <= 3 ? `-(${args[0]})` : `-${args[0]}`;
    return `${name.toLowerCase()}(${args.join(", ")})`;
  };
  return render(root);
}

/** Features a formula reads, in id order. */
export function featuresUsed(root: Expr): number[] {
  const seen = new Set<number>();
  const walk = (e: Expr): void => {
    if (e.kind === "feature") seen.add(e.feature);
    else e.args.forEach(walk);
  };
  walk(root);
  return [...seen].sort((a, b) => a - b);
}
