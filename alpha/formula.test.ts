import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../core/random.js";
import {
  canonicalise,
  formulaHash,
  FormulaError,
  parseFormula,
  toInfix,
  toRpn,
  toTokens,
  tryParseFormula,
} from "./formula.js";
import { grammarMask, randomFormulaTokens } from "./grammar.js";
import { OPERATORS, VOCAB_VERSION, vocabulary } from "./vocab.js";

describe("vocabulary", () => {
  it("puts features first and operators after them, per feature set (upstream §3.1)", () => {
    const basic = vocabulary("basic");
    expect(basic.size).toBe(18);
    expect(basic.names.slice(0, 6)).toEqual(["RET", "LIQ_SCORE", "PRESSURE", "FOMO", "DEV", "LOG_VOL"]);
    expect(basic.ids.get("ADD")).toBe(6);
    expect(basic.ids.get("MAX3")).toBe(17);
    expect([...basic.arity.slice(6)]).toEqual([2, 2, 2, 2, 1, 1, 1, 3, 1, 1, 1, 1]);
    const ext = vocabulary("extended");
    expect(ext.size).toBe(24);
    expect(ext.opOffset).toBe(12);
    expect(ext.names[11]).toBe("VOL_TREND");
    expect(ext.ids.get("ADD")).toBe(12);
    expect(VOCAB_VERSION).toMatch(/vocab@\d+$/);
  });
});

describe("parseFormula", () => {
  it("reads RPN names, ids, JSON arrays and mixed case alike", () => {
    const a = parseFormula("RET DECAY DEV SUB");
    expect(a.tokens).toEqual([0, 15, 4, 7]);
    expect(parseFormula("[0, 15, 4, 7]").tokens).toEqual(a.tokens);
    expect(parseFormula([0, 15, 4, 7]).tokens).toEqual(a.tokens);
    expect(parseFormula("ret decay, dev sub").tokens).toEqual(a.tokens);
  });

  it("pops GATE's operands in push order: c x y GATE is c > 0 ? x : y", () => {
    expect(toInfix(parseFormula("RET DEV FOMO GATE").root, "basic")).toBe("gate(RET, DEV, FOMO)");
  });

  it("renders upstream's §6 example", () => {
    const f = parseFormula([0, 15, 4, 7, 10, 11, 12, 16, 17, 14, 10, 11]);
    expect(toInfix(f.root, "basic")).toBe("abs(-jump(max3(delay1(sign(abs(-(decay(RET) - DEV)))))))");
  });

  it.each([
    ["", "empty", 0],
    ["RET FOO ADD", "unknown-token", 1],
    ["RET ADD", "stack-underflow", 1],
    ["RET DEV", "leftover-operands", 2],
    ["RET DEV FOMO GATE GATE", "stack-underflow", 4],
    ["VOL_TREND", "unknown-token", 0],
    [[0, 18], "unknown-token", 1],
    [[0, 1.5], "unknown-token", 1],
  ] as const)("rejects %j with reason %s at position %d", (input, reason, position) => {
    const r = tryParseFormula(input as string | number[]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(FormulaError);
    expect(r.error._tag).toBe("FormulaError");
    expect(r.error.reason).toBe(reason);
    expect(r.error.position).toBe(position);
    // The message counts from 1 and names the token; whole-formula problems name none.
    expect(r.error.message).toMatch(r.error.token === null ? /^invalid formula: / : new RegExp(`^invalid formula at token ${position + 1} \\(`));
  });

  it("accepts the extended features only in the extended set", () => {
    expect(parseFormula("VOL_TREND RET ADD", { featureSet: "extended" }).tokens).toEqual([11, 0, 12]);
  });

  it("limits the length", () => {
    const r = tryParseFormula("RET NEG NEG NEG", { maxLength: 3 });
    expect(r.ok ? null : [r.error.reason, r.error.position]).toEqual(["too-long", 3]);
  });

  it("agrees with an independent stack-depth check on any token sequence, with the failing position", () => {
    const v = vocabulary("basic");
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 14 }), (ids) => {
        let depth = 0;
        let failAt = -1;
        for (let k = 0; k < ids.length && failAt < 0; k++) {
          const id = ids[k]!;
          if (id >= v.size) failAt = k;
          else if (depth < v.arity[id]!) failAt = k;
          else depth += 1 - v.arity[id]!;
        }
        if (failAt < 0 && depth !== 1) failAt = ids.length;
        const r = tryParseFormula(ids);
        if (failAt < 0) expect(r.ok).toBe(true);
        else expect(r.ok ? -1 : r.error.position).toBe(failAt);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("canonical form and hash", () => {
  it("orders commutative operands only", () => {
    const a = parseFormula("RET DEV ADD FOMO MUL").root;
    const b = parseFormula("FOMO DEV RET ADD MUL").root;
    expect(toRpn(canonicalise(a, "basic"), "basic")).toBe(toRpn(canonicalise(b, "basic"), "basic"));
    expect(formulaHash(a, "basic")).toBe(formulaHash(b, "basic"));
    expect(formulaHash(a, "basic")).toMatch(/^[0-9a-f]{16}$/);
    const s1 = parseFormula("RET DEV SUB").root;
    const s2 = parseFormula("DEV RET SUB").root;
    expect(formulaHash(s1, "basic")).not.toBe(formulaHash(s2, "basic"));
    expect(formulaHash(s1, "basic")).not.toBe(formulaHash(s1, "extended"));
  });

  it("is idempotent and round-trips through tokens", () => {
    const rng = seededRng(11);
    for (let n = 0; n < 300; n++) {
      const f = parseFormula(randomFormulaTokens(rng, 12));
      const c = canonicalise(f.root, "basic");
      expect(toRpn(canonicalise(c, "basic"), "basic")).toBe(toRpn(c, "basic"));
      expect(parseFormula(toTokens(c, "basic")).tokens).toEqual(toTokens(c, "basic"));
    }
  });
});

describe("infix", () => {
  it.each([
    ["RET DEV FOMO SUB SUB", "RET - (DEV - FOMO)"],
    ["RET DEV SUB FOMO SUB", "RET - DEV - FOMO"],
    ["RET DEV ADD FOMO MUL", "(RET + DEV) * FOMO"],
    ["RET DEV MUL FOMO DIV", "RET * DEV / FOMO"],
    ["RET DEV FOMO DIV DIV", "RET / (DEV / FOMO)"],
    ["RET NEG NEG", "-(-RET)"],
    ["RET DECAY DEV SUB", "decay(RET) - DEV"],
  ])("%s -> %s", (rpn, infix) => {
    expect(toInfix(parseFormula(rpn).root, "basic")).toBe(infix);
  });
});

describe("grammar-constrained sampling", () => {
  it("only ever produces valid formulas of the requested length", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 16 }), fc.constantFrom("basic", "extended" as const), (seed, len, set) => {
        const ids = randomFormulaTokens(seededRng(seed), len, set);
        expect(ids).toHaveLength(len);
        expect(tryParseFormula(ids, { featureSet: set }).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("masks operators that would underflow and features that could no longer be reduced", () => {
    const m = grammarMask(0, 11);
    expect([...m.slice(0, 6)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...m.slice(6)].every((x) => x === 0)).toBe(true);
    // Depth 3 with one token left: only GATE brings it back to one value.
    const last = grammarMask(3, 0);
    expect([...last].map((x, id) => (x === 1 ? OPERATORS[id - 6]?.name : null)).filter(Boolean)).toEqual(["GATE"]);
  });
});
