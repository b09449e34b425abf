/**
 * One token's formula value, a grid slot at a time: each node of the tree keeps what its
 * operator needs of the past (DELAY1 one value, DECAY and MAX3 two, JUMP its window), so a step
 * costs O(nodes). The arithmetic is the row kernels' (kernels.ts) term for term, so the values
 * agree with the interpreter bit for bit over a row that starts where the stream starts (lags
 * read 0 before it).
 */
import type { Expr } from "../formula.js";
import { OP } from "../vocab.js";
import { JumpStream } from "./jump-stream.js";

const FEATURE = -1;

interface Node {
  /** Operator index, or FEATURE. */
  readonly op: number;
  /** Feature index, or the operands' node indices (children come first). */
  readonly feature: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly jump: JumpStream | null;
  p1: number;
  p2: number;
}

export class FormulaStream {
  /** Nodes in evaluation order (post-order), the root last. */
  readonly #nodes: Node[] = [];
  readonly #vals: Float64Array;

  constructor(root: Expr, jumpWindow: number) {
    const add = (e: Expr): number => {
      const args = e.kind === "op" ? e.args.map(add) : [];
      const op = e.kind === "op" ? e.op : FEATURE;
      this.#nodes.push({
        op,
        feature: e.kind === "feature" ? e.feature : -1,
        a: args[0] ?? -1,
        b: args[1] ?? -1,
        c: args[2] ?? -1,
        jump: op === OP.JUMP ? new JumpStream(jumpWindow) : null,
        p1: 0,
        p2: 0,
      });
      return this.#nodes.length - 1;
    };
    add(root);
    this.#vals = new Float64Array(this.#nodes.length);
  }

  /** The formula at the next slot, given every feature it reads there. */
  step(features: Float64Array): number {
    const v = this.#vals;
    const nodes = this.#nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      let y: number;
      switch (n.op) {
        case FEATURE:
          y = features[n.feature]!;
          break;
        case OP.ADD:
          y = v[n.a]! + v[n.b]!;
          break;
        case OP.SUB:
          y = v[n.a]! - v[n.b]!;
          break;
        case OP.MUL:
          y = v[n.a]! * v[n.b]!;
          break;
        case OP.DIV: {
          const d = v[n.b]!;
          y = v[n.a]! / (d + (+(d >= 0) * 2e-6 - 1e-6));
          break;
        }
        case OP.NEG:
          y = -v[n.a]!;
          break;
        case OP.ABS:
          y = Math.abs(v[n.a]!);
          break;
        case OP.SIGN: {
          const x = v[n.a]!;
          y = +(x > 0) - +(x < 0);
          break;
        }
        case OP.GATE: {
          const m = +(v[n.a]! > 0);
          y = m * v[n.b]! + (1 - m) * v[n.c]!;
          break;
        }
        case OP.JUMP:
          y = n.jump!.step(v[n.a]!);
          break;
        case OP.DECAY: {
          const x = v[n.a]!;
          y = x + 0.8 * n.p1 + 0.6 * n.p2;
          n.p2 = n.p1;
          n.p1 = x;
          break;
        }
        case OP.DELAY1:
          y = n.p1;
          n.p1 = v[n.a]!;
          break;
        case OP.MAX3: {
          const x = v[n.a]!;
          const k1 = +(x > n.p1);
          const m = k1 * x + (1 - k1) * n.p1;
          const k2 = +(m > n.p2);
          y = k2 * m + (1 - k2) * n.p2;
          n.p2 = n.p1;
          n.p1 = x;
          break;
        }
        default:
          throw new Error(`unknown operator ${n.op}`);
      }
      v[i] = y;
    }
    return v[nodes.length - 1]!;
  }
}
