/**
 * Test doubles for the network between us and ClickHouse. The store behind stays real (chdb):
 * only the wire misbehaves. For tests of storage users (writers, sinks); never wired in runtime.
 */
import { StorageUnavailableError } from "./errors.js";
import type { EncodedBatch, Storage, StorageLogger } from "./storage.js";

export class FlakyNetwork implements Storage {
  /** While true, every call fails as if the connection were refused; nothing reaches the store. */
  down = false;
  /** The next N inserts reach the store, then fail as a timeout (the reply was lost). */
  lostReplies = 0;
  /** Insert calls seen, and those that failed. */
  inserts = 0;
  failures = 0;

  constructor(private readonly inner: Storage) {}

  get target(): string {
    return `flaky+${this.inner.target}`;
  }

  exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#gate("exec", () => this.inner.exec(sql, params));
  }

  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]> {
    return this.#gate("query", () => this.inner.query<T>(sql, params));
  }

  insert(table: string, rows: readonly object[]): Promise<void> {
    return this.#insert(() => this.inner.insert(table, rows));
  }

  insertEncoded(batch: EncodedBatch): Promise<void> {
    return this.#insert(() => this.inner.insertEncoded(batch));
  }

  close(): Promise<void> {
    return Promise.resolve(); // the store belongs to the test
  }

  async #insert(send: () => Promise<void>): Promise<void> {
    this.inserts++;
    await this.#gate("insert", send);
    if (this.lostReplies > 0) {
      this.lostReplies--;
      this.failures++;
      throw this.#error("insert", "timeout");
    }
  }

  async #gate<T>(operation: "exec" | "query" | "insert", call: () => Promise<T>): Promise<T> {
    if (this.down) {
      if (operation === "insert") this.failures++;
      throw this.#error(operation, "ECONNREFUSED");
    }
    return call();
  }

  #error(operation: "exec" | "query" | "insert", reason: string): StorageUnavailableError {
    return new StorageUnavailableError({ message: `${operation} on ${this.target} failed: ${reason} (simulated)`, operation, target: this.target, reason, retryable: true });
  }
}

/** A logger that keeps lines for debugging a failed test (tests never assert on logs). */
export function memoryLogger(): StorageLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (msg: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push(`${level} ${msg} ${fields ? JSON.stringify(fields) : ""}`);
  };
  return { lines, info: put("info"), warn: put("warn"), error: put("error") };
}
