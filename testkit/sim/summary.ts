/** Counts for the CLI's printed summary, computed from the output stream itself. */
import type { SimIterateOptions, SimMarket, SimStep } from "./market.js";

export interface SimSummary {
  /** Tokens in the universe. */
  readonly tokens: number;
  /** Tokens that launched within the run. */
  readonly launched: number;
  /** Curves that completed and migrated to PumpSwap. */
  readonly migrated: number;
  /** Pools whose liquidity was pulled. */
  readonly rugged: number;
  /** Bars (token, step) in which a pump group bought, and in which it sold out. */
  readonly pumps: number;
  readonly dumps: number;
  readonly steps: number;
  readonly bars: number;
  /** All events: launches, trades, migrations, rugs. */
  readonly events: number;
  readonly trades: number;
  readonly volumeUsd: number;
  /** Run span, unix ms [startMs, endMs), and its length in seconds. */
  readonly startMs: number;
  readonly endMs: number;
  readonly spanS: number;
  /** First and last event times, unix ms (null with no events). */
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
}

export class SimSummaryBuilder {
  readonly #tokens: number;
  readonly #startMs: number;
  readonly #endMs: number;
  #launched = 0;
  #migrated = 0;
  #rugged = 0;
  #pumps = 0;
  #dumps = 0;
  #steps = 0;
  #bars = 0;
  #events = 0;
  #trades = 0;
  #volumeUsd = 0;
  #first: number | null = null;
  #last: number | null = null;

  constructor(tokens: number, startMs: number, endMs: number) {
    this.#tokens = tokens;
    this.#startMs = startMs;
    this.#endMs = endMs;
  }

  add(step: SimStep): void {
    this.#steps++;
    this.#bars += step.bars.length;
    this.#events += step.events.length;
    const pumping = new Set<string>();
    const dumping = new Set<string>();
    for (const e of step.events) {
      if (e.kind === "trade") {
        this.#trades++;
        this.#volumeUsd += (e.solAmount / 1e9) * e.solUsd;
        if (e.flow === "pump") pumping.add(e.mint);
        else if (e.flow === "dump") dumping.add(e.mint);
      } else if (e.kind === "launch") this.#launched++;
      else if (e.kind === "migrate") this.#migrated++;
      else this.#rugged++;
    }
    this.#pumps += pumping.size;
    this.#dumps += dumping.size;
    const first = step.events[0];
    const last = step.events[step.events.length - 1];
    if (first && this.#first === null) this.#first = first.tsMs;
    if (last) this.#last = last.tsMs;
  }

  result(): SimSummary {
    return {
      tokens: this.#tokens,
      launched: this.#launched,
      migrated: this.#migrated,
      rugged: this.#rugged,
      pumps: this.#pumps,
      dumps: this.#dumps,
      steps: this.#steps,
      bars: this.#bars,
      events: this.#events,
      trades: this.#trades,
      volumeUsd: this.#volumeUsd,
      startMs: this.#startMs,
      endMs: this.#endMs,
      spanS: (this.#endMs - this.#startMs) / 1000,
      firstEventMs: this.#first,
      lastEventMs: this.#last,
    };
  }
}

/**
 * Run a market once, keeping nothing, and return its counts. A caller that already streams
 * `steps()` gets the same summary as the generator's return value, or can feed a
 * `SimSummaryBuilder` itself.
 */
export function summarize(market: Pick<SimMarket, "run">, opts: SimIterateOptions = {}): SimSummary {
  return market.run({}, opts);
}
