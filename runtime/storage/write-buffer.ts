/**
 * The writer's bounded memory and flush policy: pushes are admitted in order while they fit
 * (`maxBufferRows`, not counting the batch being written), the rest wait; a batch is due when
 * `maxBatchRows` rows wait or the oldest has waited `flushIntervalMs`.
 */
import { concatBatches } from "./encode.js";
import type { Chunk } from "./chunks.js";
import type { EncodedBatch } from "./storage.js";
import type { WriterSettings } from "./writer-options.js";

/** A push() waiting for room: its chunks, and its promise's settlers. */
export interface WaitingPush {
  readonly chunks: Chunk[];
  readonly rows: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/** The chunks taken out of the buffer for one insert, and their rows as one body. */
export interface Batch {
  readonly chunks: Chunk[];
  readonly batch: EncodedBatch;
}

type Limits = Pick<WriterSettings, "maxBatchRows" | "maxBufferRows" | "flushIntervalMs" | "durable">;

export class WriteBuffer {
  readonly #limits: Limits;
  /** Called when a batch becomes due (full, or aged). */
  readonly #wake: () => void;
  readonly #chunks: Chunk[] = [];
  #rows = 0;
  #admittedRows = 0;
  readonly #waiting: WaitingPush[] = [];
  #ageTimer: NodeJS.Timeout | undefined;
  #ageDue = false;

  constructor(limits: Limits, wake: () => void) {
    this.#limits = limits;
    this.#wake = wake;
  }

  /** Rows in the buffer (not the batch being written). */
  get rows(): number {
    return this.#rows;
  }
  /** Rows ever admitted: what push() has acknowledged (or, durable, taken on). */
  get admittedRows(): number {
    return this.#admittedRows;
  }
  get waitingPushes(): number {
    return this.#waiting.length;
  }
  get chunks(): readonly Chunk[] {
    return this.#chunks;
  }

  /** Admit `push` now if nothing waits ahead of it and it fits; false leaves it to the caller. */
  tryAdmit(push: WaitingPush): boolean {
    if (this.#waiting.length > 0 || !this.#fits(push.rows)) return false;
    this.#waiting.push(push);
    this.#admit();
    return true;
  }

  /** Queue `push` until there is room; after `timeoutMs` (if given) it is dropped and `onTimeout` runs. */
  wait(push: WaitingPush, timeoutMs: number | undefined, onTimeout: () => void): void {
    this.#waiting.push(push);
    if (timeoutMs === undefined) return;
    push.timer = setTimeout(() => {
      const i = this.#waiting.indexOf(push);
      if (i < 0) return;
      this.#waiting.splice(i, 1);
      onTimeout();
    }, timeoutMs);
  }

  /** Reject every waiting push (none of them was acknowledged). */
  rejectWaiting(error: () => unknown): void {
    for (const w of this.#waiting.splice(0)) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.reject(error());
    }
  }

  /** A batch is due: full, aged, or `asked` for (flush, close, durable group commit). */
  ready(asked: boolean): boolean {
    if (this.#rows === 0) return false;
    return this.#rows >= this.#limits.maxBatchRows || this.#ageDue || asked;
  }

  /** Take up to `maxBatchRows` rows (at least one chunk) in push order, and let waiting pushes in. */
  take(): Batch {
    const chunks: Chunk[] = [];
    let rows = 0;
    while (this.#chunks.length > 0) {
      const c = this.#chunks[0] as Chunk;
      if (chunks.length > 0 && rows + c.batch.rows > this.#limits.maxBatchRows) break;
      this.#chunks.shift();
      chunks.push(c);
      rows += c.batch.rows;
    }
    this.#rows -= rows;
    this.#ageDue = false;
    this.stop();
    this.#admit(); // room freed: let waiting pushes in (and re-arm the age timer)
    return { chunks, batch: concatBatches(chunks.map((c) => c.batch)) };
  }

  /** Stop the age timer (close, or a batch just taken). */
  stop(): void {
    if (this.#ageTimer !== undefined) clearTimeout(this.#ageTimer);
    this.#ageTimer = undefined;
  }

  #fits(rows: number): boolean {
    return this.#rows === 0 || this.#rows + rows <= this.#limits.maxBufferRows;
  }

  /** Move waiting pushes into the buffer, in order, while they fit. */
  #admit(): void {
    while (this.#waiting.length > 0) {
      const w = this.#waiting[0] as WaitingPush;
      if (!this.#fits(w.rows)) break;
      this.#waiting.shift();
      if (w.timer !== undefined) clearTimeout(w.timer);
      for (const c of w.chunks) this.#chunks.push(c);
      this.#rows += w.rows;
      this.#admittedRows += w.rows;
      if (!this.#limits.durable) w.resolve();
    }
    if (this.#rows > 0 && this.#ageTimer === undefined && !this.#ageDue) {
      this.#ageTimer = setTimeout(() => {
        this.#ageTimer = undefined;
        this.#ageDue = true;
        this.#wake();
      }, this.#limits.flushIntervalMs);
      this.#ageTimer.unref();
    }
    if (this.#rows >= this.#limits.maxBatchRows) this.#wake();
  }
}
