/**
 * Callers of flush()/drain() waiting for the rows acknowledged before their call: each waits for
 * a target count of settled rows (in ClickHouse or the spool).
 */
interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class Waiters {
  readonly #list: Waiter[] = [];

  get size(): number {
    return this.#list.length;
  }

  add(target: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#list.push({ target, resolve, reject }));
  }

  /** Resolve the waiters whose rows have all settled. */
  settled(rows: number): void {
    for (let i = this.#list.length - 1; i >= 0; i--) {
      const w = this.#list[i] as Waiter;
      if (rows >= w.target) {
        this.#list.splice(i, 1);
        w.resolve();
      }
    }
  }

  rejectAll(err: unknown): void {
    for (const w of this.#list.splice(0)) w.reject(err);
  }
}
