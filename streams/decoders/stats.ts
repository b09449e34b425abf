/**
 * Decode counters: what came in, what came out, and every failure by layout and reason. A bad
 * payload is never silent: it lands here and in `onError` (the composition root logs it).
 */
import { MarketDecodeError } from "./errors.js";
import type { LayoutDecodeError } from "../../chain/layouts/errors.js";

export class DecodeStats {
  accounts = 0;
  transactions = 0;
  ignored = 0;
  priceTicks = 0;
  trades = 0;
  errors = 0;
  readonly errorsByReason = new Map<string, number>();
  readonly #onError: ((e: MarketDecodeError) => void) | undefined;

  constructor(onError?: (e: MarketDecodeError) => void) {
    this.#onError = onError;
  }

  fail(source: "account" | "transaction", key: string, slot: number, err: LayoutDecodeError | { layout: string; reason: string; detail: string }): void {
    this.errors++;
    const k = `${err.layout}:${err.reason}`;
    this.errorsByReason.set(k, (this.errorsByReason.get(k) ?? 0) + 1);
    if (this.#onError !== undefined)
      this.#onError(new MarketDecodeError({ source, key, slot, layout: err.layout, reason: err.reason, detail: err.detail, retryable: false }));
  }

  snapshot(): Readonly<Record<string, number>> {
    return {
      accounts: this.accounts,
      transactions: this.transactions,
      ignored: this.ignored,
      priceTicks: this.priceTicks,
      trades: this.trades,
      errors: this.errors,
      ...Object.fromEntries(this.errorsByReason),
    };
  }
}
