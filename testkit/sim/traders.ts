/**
 * The trader population: wallets with a size factor each, split into the groups that send the
 * different kinds of flow. Creators are separate: one wallet per token.
 */
import type { Rng } from "../../core/random.js";
import { randInt, randNormal } from "../../core/random.js";
import { ID_DOMAIN, addressFor } from "./ids.js";

export type TraderGroup = "retail" | "sniper" | "whale" | "bot";

/** Share of the population in each group, in index order. */
const GROUPS: readonly (readonly [TraderGroup, number])[] = [
  ["retail", 0.8],
  ["sniper", 0.08],
  ["whale", 0.05],
  ["bot", 0.07],
];

export class TraderPopulation {
  readonly addresses: readonly string[];
  /** Per-wallet order-size multiplier, lognormal with mean 1. */
  readonly sizeFactor: Float64Array;
  readonly #ranges = new Map<TraderGroup, readonly [number, number]>();

  constructor(seedHash: number, count: number, rng: Rng) {
    const addresses: string[] = [];
    this.sizeFactor = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      addresses.push(addressFor(seedHash, ID_DOMAIN.trader, i));
      this.sizeFactor[i] = Math.exp(0.6 * randNormal(rng) - 0.18);
    }
    this.addresses = addresses;
    let from = 0;
    for (const [group, share] of GROUPS) {
      const to = group === "bot" ? count : Math.max(from + 1, Math.round(from + share * count));
      this.#ranges.set(group, [from, to]);
      from = to;
    }
  }

  /** A random wallet index from `group`. */
  pick(rng: Rng, group: TraderGroup): number {
    const [from, to] = this.#ranges.get(group) ?? [0, this.addresses.length];
    return from + randInt(rng, to - from);
  }
}
