/**
 * BatchedWriter: the one way hot paths write to ClickHouse. One writer per table.
 *
 * Rows are encoded at push() (a bad row rejects there, before anything is accepted), buffered in
 * a bounded queue, and written in batches when `maxBatchRows` rows are waiting, when the oldest
 * has waited `flushIntervalMs`, or on flush()/close(). A failed insert is retried on a capped,
 * jittered exponential Schedule while the error is retryable; when the retries run out the batch
 * goes to an on-disk spool (fsync'd), and later batches go straight to the spool while a probe
 * re-tries ClickHouse with backoff. Once ClickHouse answers, the spool is replayed oldest first,
 * interleaved with new batches. A writer opened on a directory that holds spool files (say after
 * a crash) replays them.
 *
 * What "nothing acknowledged is lost" means here, precisely:
 * - ack "buffered" (default): push() resolves once the rows are in the writer's memory. From then
 *   on they reach ClickHouse or a durable spool file, whatever ClickHouse does, as long as the
 *   process lives and close() is awaited before exit. A crash (kill -9, power cut) loses what is
 *   still in memory: at most `maxBufferRows + maxBatchRows` rows.
 * - ack "durable": push() resolves only once its rows are inserted in ClickHouse or fsync'd in
 *   the spool, so they survive a crash. It rejects if ClickHouse refused them as invalid; rows
 *   that went to the spool are judged at replay, and dead-lettered there if invalid. Batches are
 *   group-committed: each insert takes whatever arrived while the previous one ran.
 * - At least once: a batch may be written twice (an insert that timed out yet landed, a crash
 *   between a replay and deleting its file). Every table is a ReplacingMergeTree keyed by the
 *   row's natural key, so reads with FINAL (or argMax by key) never double count.
 * - Rows ClickHouse rejects as invalid (type or parse errors, unknown column) are not retried;
 *   they are written to `<spool>/rejected/` with the error, logged at error level and counted.
 *   Other non-retryable failures (credentials, missing table, storage closed) keep the rows:
 *   they are spooled like an outage and logged, for an operator to fix and a restart to replay.
 * - A spool write that fails (disk full, I/O error) is handled like a full spool; at close() it
 *   is the one case that loses rows, and close() rejects with SpoolIoError after logging how many.
 * - Spool bound (`maxSpoolBytes`): when spooling a batch would pass it, the writer logs an error
 *   and keeps that batch in memory; the buffer then fills and push() applies `onSpoolFull`:
 *   "block" waits for room (rejecting with SpoolFullError after `blockTimeoutMs` if given),
 *   "reject" rejects at once with SpoolFullError. A rejected push was not acknowledged: its rows
 *   are the caller's. The writer never drops acknowledged rows to make room. close() spools what
 *   is left in memory even past the bound (by at most the buffer), logging it: the alternative is loss.
 * - close() drains memory (to ClickHouse, or to the spool while it is unreachable; retry backoff
 *   is cut short) and resolves when nothing acknowledged is left only in memory. Spool files stay
 *   for the next writer on the same directory. flush() resolves once every row acknowledged
 *   before the call is in ClickHouse or the spool; drain() additionally waits for an empty spool.
 *
 * One writer per spool directory (`<spoolDir>/<table>`): enforced within a process; across
 * processes, give each its own spoolDir.
 */
import { join, resolve } from "node:path";
import { Cause, Effect, Exit, Option } from "effect";
import { systemClock, type Clock } from "../../core/clock.js";
import { seededRng, type Rng } from "../../core/random.js";
import { columnsOf, concatBatches, encodeRows } from "./encode.js";
import { classifyError, SpoolFullError, StorageClosedError, StorageConfigError, type StorageError } from "./errors.js";
import { INSERT_BACKOFF, PROBE_BACKOFF, storageRetrySchedule, type BackoffPolicy } from "./retry.js";
import { Spool, type SpoolEntry } from "./spool.js";
import type { EncodedBatch, Storage, StorageLogger } from "./storage.js";

export type SpoolFullPolicy = "block" | "reject";
export type AckMode = "buffered" | "durable";

export interface BatchedWriterOptions {
  /** Where batches go; only `insertEncoded` and `target` are used. */
  readonly storage: Pick<Storage, "insertEncoded" | "target">;
  readonly table: string;
  /** Column order; default the first pushed row's keys. Every row must have exactly these keys. */
  readonly columns?: readonly string[];
  /** Spool root; this writer uses `<spoolDir>/<table>/`. */
  readonly spoolDir: string;
  /** Rows per insert; a full batch is flushed at once. Default 50,000. */
  readonly maxBatchRows?: number;
  /** Rows held in memory (besides the batch being written) before push() waits. Default 4 batches. */
  readonly maxBufferRows?: number;
  /** Flush rows that have waited this long. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Bound on spool files' total size. Default 1 GiB. */
  readonly maxSpoolBytes?: number;
  /** What push() does when memory is full and the spool is at its bound. Default "block". */
  readonly onSpoolFull?: SpoolFullPolicy;
  /** With "block": reject a push that waited this long. Default: wait indefinitely. */
  readonly blockTimeoutMs?: number;
  /** When push() resolves; see the file header. Default "buffered". */
  readonly ack?: AckMode;
  /** Insert retries before spooling. Default INSERT_BACKOFF. */
  readonly retry?: Partial<BackoffPolicy>;
  /** Probe backoff while ClickHouse is unreachable. Default PROBE_BACKOFF. */
  readonly probe?: Partial<Omit<BackoffPolicy, "maxRetries">>;
  readonly logger?: StorageLogger;
  /** Stamps spool files. Default the system clock (this is runtime/). */
  readonly clock?: Clock;
  /** Jitter for backoff. Default seeded with the process id. */
  readonly rng?: Rng;
}

export interface WriterStats {
  readonly table: string;
  /** Rows acknowledged by push(). */
  readonly rowsPushed: number;
  /** Rows inserted into ClickHouse, replays included. */
  readonly rowsWritten: number;
  /** Of rowsWritten, rows that came from the spool. */
  readonly rowsReplayed: number;
  /** Rows ever written to the spool. */
  readonly rowsSpooled: number;
  /** Rows ClickHouse refused as invalid, kept in `rejected/`. */
  readonly rowsRejected: number;
  /** Insert retries (each delay before a new attempt). */
  readonly retries: number;
  readonly batchesWritten: number;
  /** Rows in memory now: the buffer plus the batch being written. */
  readonly bufferRows: number;
  /** push() calls waiting for room. */
  readonly waitingPushes: number;
  readonly spoolFiles: number;
  readonly spoolBytes: number;
  readonly spoolRows: number;
  /** ClickHouse unreachable: new batches go to the spool. */
  readonly degraded: boolean;
  /** The spool is at its bound and a batch waits in memory. */
  readonly spoolFull: boolean;
}

const DEFAULTS = {
  maxBatchRows: 50_000,
  flushIntervalMs: 1_000,
  maxSpoolBytes: 1024 ** 3,
} as const;

interface Ticket {
  remaining: number;
  error: unknown;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

interface Chunk {
  readonly batch: EncodedBatch;
  ticket: Ticket | undefined;
}

interface Waiting {
  readonly chunks: Chunk[];
  readonly rows: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Pending {
  readonly chunks: Chunk[];
  readonly batch: EncodedBatch;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: StorageError };

const activeDirs = new Set<string>();

export const consoleLogger: StorageLogger = {
  info: (msg, fields) => console.info(`[storage] ${msg}`, fields ?? ""),
  warn: (msg, fields) => console.warn(`[storage] ${msg}`, fields ?? ""),
  error: (msg, fields) => console.error(`[storage] ${msg}`, fields ?? ""),
};

export class BatchedWriter {
  readonly table: string;
  readonly #sink: Pick<Storage, "insertEncoded" | "target">;
  readonly #spool: Spool;
  readonly #log: StorageLogger;
  readonly #clock: Clock;
  readonly #maxBatchRows: number;
  readonly #maxBufferRows: number;
  readonly #flushIntervalMs: number;
  readonly #maxSpoolBytes: number;
  readonly #policy: SpoolFullPolicy;
  readonly #blockTimeoutMs: number | undefined;
  readonly #durable: boolean;
  readonly #retryPolicy: BackoffPolicy;
  readonly #probePolicy: BackoffPolicy;
  readonly #rng: Rng;
  readonly #closeAbort = new AbortController();
  #columns: readonly string[] | undefined;

  readonly #buffer: Chunk[] = [];
  #bufferRows = 0;
  readonly #waiting: Waiting[] = [];
  #pending: Pending | undefined;
  #admittedRows = 0;
  #settledRows = 0;
  readonly #flushWaiters: Waiter[] = [];
  readonly #drainWaiters: Waiter[] = [];

  #degraded = false;
  #spoolFull = false;
  #closing = false;
  #fatal: unknown;
  #probing = false;
  #probeGen = 0;
  #probeRequest: { resolve: () => void; reject: (e: StorageError) => void } | undefined;

  #ageTimer: NodeJS.Timeout | undefined;
  #ageDue = false;
  #signalled = false;
  #wakeLoop: (() => void) | undefined;
  readonly #loop: Promise<void>;
  #closed: Promise<void> | undefined;

  #rowsWritten = 0;
  #rowsReplayed = 0;
  #rowsSpooled = 0;
  #rowsRejected = 0;
  #retries = 0;
  #batchesWritten = 0;

  /** Open the spool (replaying whatever a previous writer left there) and start writing. */
  static async open(options: BatchedWriterOptions): Promise<BatchedWriter> {
    const dir = resolve(join(options.spoolDir, options.table));
    if (activeDirs.has(dir)) {
      throw new StorageConfigError({
        message: `a BatchedWriter already owns spool directory ${dir}; use one writer per table`,
        target: options.storage.target,
        retryable: false,
      });
    }
    activeDirs.add(dir);
    try {
      const logger = options.logger ?? consoleLogger;
      const spool = await Spool.open(dir, options.table, logger);
      if (spool.files > 0) {
        logger.info("spool found: replaying it", { table: options.table, files: spool.files, rows: spool.rows, bytes: spool.bytes });
      }
      return new BatchedWriter(options, spool, logger);
    } catch (err) {
      activeDirs.delete(dir);
      throw err;
    }
  }

  private constructor(options: BatchedWriterOptions, spool: Spool, logger: StorageLogger) {
    this.table = options.table;
    this.#sink = options.storage;
    this.#spool = spool;
    this.#log = logger;
    this.#clock = options.clock ?? systemClock;
    this.#columns = options.columns;
    this.#maxBatchRows = positive("maxBatchRows", options.maxBatchRows ?? DEFAULTS.maxBatchRows);
    this.#maxBufferRows = positive("maxBufferRows", options.maxBufferRows ?? 4 * this.#maxBatchRows);
    this.#flushIntervalMs = positive("flushIntervalMs", options.flushIntervalMs ?? DEFAULTS.flushIntervalMs);
    this.#maxSpoolBytes = positive("maxSpoolBytes", options.maxSpoolBytes ?? DEFAULTS.maxSpoolBytes);
    this.#policy = options.onSpoolFull ?? "block";
    this.#blockTimeoutMs = options.blockTimeoutMs;
    this.#durable = options.ack === "durable";
    this.#retryPolicy = { ...INSERT_BACKOFF, ...options.retry };
    this.#probePolicy = { ...PROBE_BACKOFF, ...options.probe, maxRetries: Infinity };
    this.#rng = options.rng ?? seededRng(process.pid);
    this.#loop = this.#run();
  }

  /**
   * Hand rows to the writer. Resolves when they are acknowledged (see the file header for what
   * `ack` means). Rejects with StorageEncodeError for a malformed row (nothing accepted), with
   * SpoolFullError under the spool-full policy, with StorageClosedError after close().
   */
  push(rows: readonly object[]): Promise<void> {
    if (this.#closing || this.#fatal !== undefined) return Promise.reject(this.#fatal ?? this.#closedError("push"));
    if (rows.length === 0) return Promise.resolve();
    let chunks: Chunk[];
    try {
      chunks = this.#encode(rows);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiting = { chunks, rows: rows.length, resolve, reject, timer: undefined };
      if (this.#durable) {
        const ticket: Ticket = { remaining: chunks.length, error: undefined, resolve, reject };
        for (const c of chunks) c.ticket = ticket;
      }
      if (this.#waiting.length === 0 && this.#fits(w.rows)) {
        this.#waiting.push(w);
        this.#admit();
        return;
      }
      if (this.#spoolFull && this.#policy === "reject") {
        reject(this.#spoolFullError("the spool is full and the buffer has no room"));
        return;
      }
      this.#waiting.push(w);
      if (this.#blockTimeoutMs !== undefined) {
        w.timer = setTimeout(() => {
          const i = this.#waiting.indexOf(w);
          if (i < 0) return;
          this.#waiting.splice(i, 1);
          reject(this.#spoolFullError(`push waited ${this.#blockTimeoutMs} ms for room in the buffer`));
        }, this.#blockTimeoutMs);
      }
    });
  }

  /** Resolves once every row acknowledged before this call is in ClickHouse or in the spool. */
  flush(): Promise<void> {
    return this.#waitFor(this.#flushWaiters);
  }

  /** Like flush(), and also waits until the spool has been replayed (through any outage). */
  drain(): Promise<void> {
    return this.#waitFor(this.#drainWaiters);
  }

  /** Drain memory (see the file header) and stop. Idempotent. Does not close the storage. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  stats(): WriterStats {
    return {
      table: this.table,
      rowsPushed: this.#admittedRows,
      rowsWritten: this.#rowsWritten,
      rowsReplayed: this.#rowsReplayed,
      rowsSpooled: this.#rowsSpooled,
      rowsRejected: this.#rowsRejected,
      retries: this.#retries,
      batchesWritten: this.#batchesWritten,
      bufferRows: this.#bufferRows + (this.#pending?.batch.rows ?? 0),
      waitingPushes: this.#waiting.length,
      spoolFiles: this.#spool.files,
      spoolBytes: this.#spool.bytes,
      spoolRows: this.#spool.rows,
      degraded: this.#degraded,
      spoolFull: this.#spoolFull,
    };
  }

  // ---- intake ------------------------------------------------------------------------------

  #encode(rows: readonly object[]): Chunk[] {
    const first = rows[0] as object;
    const columns = this.#columns ?? columnsOf(first);
    const chunks: Chunk[] = [];
    for (let i = 0; i < rows.length; i += this.#maxBatchRows) {
      const slice = i === 0 && rows.length <= this.#maxBatchRows ? rows : rows.slice(i, i + this.#maxBatchRows);
      chunks.push({ batch: encodeRows(this.table, slice, columns), ticket: undefined });
    }
    this.#columns = columns; // fixed once a push succeeded in encoding
    return chunks;
  }

  #fits(rows: number): boolean {
    return this.#bufferRows === 0 || this.#bufferRows + rows <= this.#maxBufferRows;
  }

  /** Move waiting pushes into the buffer, in order, while they fit. */
  #admit(): void {
    while (this.#waiting.length > 0) {
      const w = this.#waiting[0] as Waiting;
      if (!this.#fits(w.rows)) break;
      this.#waiting.shift();
      if (w.timer !== undefined) clearTimeout(w.timer);
      for (const c of w.chunks) this.#buffer.push(c);
      this.#bufferRows += w.rows;
      this.#admittedRows += w.rows;
      if (!this.#durable) w.resolve();
    }
    if (this.#bufferRows > 0 && this.#ageTimer === undefined && !this.#ageDue) {
      this.#ageTimer = setTimeout(() => {
        this.#ageTimer = undefined;
        this.#ageDue = true;
        this.#wake();
      }, this.#flushIntervalMs);
      this.#ageTimer.unref();
    }
    if (this.#bufferRows >= this.#maxBatchRows) this.#wake();
  }

  #batchReady(): boolean {
    if (this.#bufferRows === 0) return false;
    return (
      this.#bufferRows >= this.#maxBatchRows ||
      this.#ageDue ||
      this.#closing ||
      this.#flushWaiters.length > 0 ||
      this.#drainWaiters.length > 0 ||
      this.#durable // group commit: whatever came in while the last insert ran
    );
  }

  #takeBatch(): Pending {
    const chunks: Chunk[] = [];
    let rows = 0;
    while (this.#buffer.length > 0) {
      const c = this.#buffer[0] as Chunk;
      if (chunks.length > 0 && rows + c.batch.rows > this.#maxBatchRows) break;
      this.#buffer.shift();
      chunks.push(c);
      rows += c.batch.rows;
    }
    this.#bufferRows -= rows;
    this.#ageDue = false;
    if (this.#ageTimer !== undefined) {
      clearTimeout(this.#ageTimer);
      this.#ageTimer = undefined;
    }
    this.#admit(); // room freed: let waiting pushes in (and re-arm the age timer)
    return { chunks, batch: concatBatches(chunks.map((c) => c.batch)) };
  }

  // ---- the loop: all I/O happens here, one step at a time ------------------------------------

  async #run(): Promise<void> {
    try {
      for (;;) {
        let progressed = false;
        if (this.#probeRequest !== undefined) {
          await this.#answerProbe();
          progressed = true;
        }
        if (this.#pending === undefined && this.#batchReady()) this.#pending = this.#takeBatch();
        if (this.#pending !== undefined && !this.#parked()) progressed = (await this.#settlePending(this.#pending)) || progressed;
        if (!this.#degraded && !this.#closing && this.#spool.files > 0) {
          await this.#replayOldest();
          progressed = true;
        }
        this.#resolveWaiters();
        if (this.#closing && this.#pending === undefined && this.#bufferRows === 0 && this.#waiting.length === 0) return;
        if (!progressed) await this.#sleep();
      }
    } catch (err) {
      // Only spool I/O failures we cannot route around land here: fail loudly, never silently.
      this.#fatal = err;
      const lost = this.#bufferRows + (this.#pending?.batch.rows ?? 0);
      this.#log.error("writer stopped: spool I/O failed", { table: this.table, rowsInMemory: lost, error: String(err) });
      for (const w of this.#waiting.splice(0)) w.reject(err);
      for (const w of [...this.#flushWaiters.splice(0), ...this.#drainWaiters.splice(0)]) w.reject(err);
      for (const c of [...this.#buffer, ...(this.#pending?.chunks ?? [])]) c.ticket?.reject(err);
    }
  }

  /** A batch waits in memory while ClickHouse is down and the spool is full (until a probe or close). */
  #parked(): boolean {
    return this.#degraded && this.#spoolFull && !this.#closing;
  }

  /** Write the pending batch to ClickHouse, else to the spool. False when it had to stay parked. */
  async #settlePending(p: Pending): Promise<boolean> {
    if (!this.#degraded) {
      const r = await this.#insertWithRetry(p.batch);
      if (r.ok) {
        this.#wrote(p.batch.rows, false);
        this.#settle(p);
        return true;
      }
      if (isBadData(r.error)) {
        await this.#deadLetter(p.batch, r.error);
        this.#settle(p, r.error);
        return true;
      }
      this.#enterDegraded(r.error);
    }
    const size = Spool.sizeOf(p.batch);
    if (this.#spool.bytes + size > this.#maxSpoolBytes) {
      if (!this.#closing) {
        this.#setSpoolFull();
        return false;
      }
      this.#log.error("closing while ClickHouse is unreachable and the spool is full: spooling past the bound rather than losing acknowledged rows", {
        table: this.table,
        rows: p.batch.rows,
        spoolBytes: this.#spool.bytes,
        maxSpoolBytes: this.#maxSpoolBytes,
      });
    }
    try {
      await this.#spool.append(p.batch, this.#clock.now());
    } catch (err) {
      if (this.#closing) throw err; // nowhere left to keep it: #run reports the loss loudly
      this.#log.error("spool write failed: holding the batch in memory until ClickHouse answers", {
        table: this.table,
        rows: p.batch.rows,
        error: String(err),
      });
      this.#setSpoolFull();
      return false;
    }
    this.#rowsSpooled += p.batch.rows;
    this.#settle(p);
    return true;
  }

  /** Healthy again: replay the oldest spool file. */
  async #replayOldest(): Promise<void> {
    const entry = this.#spool.oldest() as SpoolEntry;
    const batch = await this.#readSpooled(entry);
    if (batch === undefined) return;
    const r = await this.#insertWithRetry(batch);
    if (r.ok) {
      await this.#spool.remove(entry);
      this.#wrote(batch.rows, true);
      this.#spoolShrank();
    } else if (isBadData(r.error)) {
      await this.#spool.quarantine(entry);
      this.#rejected(batch.rows, entry.path, r.error);
      this.#spoolShrank();
    } else {
      this.#enterDegraded(r.error);
    }
  }

  async #readSpooled(entry: SpoolEntry): Promise<EncodedBatch | undefined> {
    try {
      return await this.#spool.read(entry);
    } catch (err) {
      if (this.#spool.oldest() === entry) throw err; // could not even move it aside: stop loudly
      // read() has moved the file to rejected/: say so loudly, go on with the next one.
      this.#log.error("spool file unreadable; moved to rejected/", { table: this.table, file: entry.path, rows: entry.rows, error: String(err) });
      this.#rowsRejected += entry.rows;
      this.#spoolShrank();
      return undefined;
    }
  }

  #settle(p: Pending, error?: unknown): void {
    this.#pending = undefined;
    this.#settledRows += p.batch.rows;
    for (const c of p.chunks) {
      const t = c.ticket;
      if (t === undefined) continue;
      if (error !== undefined) t.error = error;
      if (--t.remaining === 0) {
        if (t.error !== undefined) t.reject(t.error);
        else t.resolve();
      }
    }
    if (this.#spoolFull && !this.#degraded) this.#spoolShrank();
  }

  #wrote(rows: number, replayed: boolean): void {
    this.#rowsWritten += rows;
    if (replayed) this.#rowsReplayed += rows;
    this.#batchesWritten++;
  }

  async #deadLetter(batch: EncodedBatch, error: StorageError): Promise<void> {
    const path = await this.#spool.deadLetter(batch, this.#clock.now(), error.message);
    this.#rejected(batch.rows, path, error);
  }

  #rejected(rows: number, path: string, error: StorageError): void {
    this.#rowsRejected += rows;
    this.#log.error("ClickHouse rejected a batch as invalid; kept in rejected/, not retried", {
      table: this.table,
      rows,
      file: path,
      error: error.message,
    });
  }

  // ---- health ------------------------------------------------------------------------------

  #enterDegraded(error: StorageError): void {
    if (!this.#degraded) {
      this.#degraded = true;
      this.#log.warn("ClickHouse unreachable: spooling batches to disk until it answers", {
        table: this.table,
        target: this.#sink.target,
        spoolDir: this.#spool.dir,
        error: error.message,
      });
    }
    this.#startProbe();
  }

  #setSpoolFull(): void {
    if (this.#spoolFull) return;
    this.#spoolFull = true;
    this.#log.error("SPOOL FULL: ClickHouse unreachable and the spool reached its bound; holding rows in memory, push() now " + (this.#policy === "block" ? "blocks" : "rejects"), {
      table: this.table,
      spoolBytes: this.#spool.bytes,
      maxSpoolBytes: this.#maxSpoolBytes,
      bufferRows: this.#bufferRows,
    });
    if (this.#policy === "reject") {
      for (const w of this.#waiting.splice(0)) {
        if (w.timer !== undefined) clearTimeout(w.timer);
        w.reject(this.#spoolFullError("the spool is full and the buffer has no room"));
      }
    }
  }

  #spoolShrank(): void {
    if (!this.#spoolFull) return;
    if (this.#pending !== undefined && this.#degraded) return;
    this.#spoolFull = false;
    this.#log.info("spool has room again", { table: this.table, spoolBytes: this.#spool.bytes });
  }

  /**
   * While degraded, a fiber paces probes on the probe Schedule; each probe is one insert
   * attempt, run by the loop (so all I/O stays serial): the oldest spool file, else the parked
   * batch. Any answer from ClickHouse, even "invalid data", ends the outage.
   */
  #startProbe(): void {
    if (this.#probing || this.#closing) return;
    this.#probing = true;
    const gen = ++this.#probeGen;
    const ask = Effect.tryPromise({
      try: () => new Promise<void>((resolve, reject) => {
        this.#probeRequest = { resolve, reject };
        this.#wake();
      }),
      catch: (e) => classifyError(e, { operation: "insert", target: this.#sink.target, what: this.table }),
    });
    const schedule = storageRetrySchedule(this.#probePolicy, this.#rng);
    const program = Effect.sleep(this.#probePolicy.baseMs).pipe(Effect.andThen(Effect.retry(ask, schedule)));
    void Effect.runPromiseExit(program, { signal: this.#closeAbort.signal }).then((exit) => {
      if (gen === this.#probeGen) this.#probing = false;
      if (Exit.isFailure(exit) && !this.#closing) {
        this.#log.error("probe gave up on a non-retryable error: the writer keeps spooling until it is reopened", {
          table: this.table,
          error: String(Cause.squash(exit.cause)),
        });
      }
    });
  }

  async #answerProbe(): Promise<void> {
    const req = this.#probeRequest;
    this.#probeRequest = undefined;
    if (req === undefined) return;
    const entry = this.#spool.oldest();
    const parked = this.#pending;
    let batch: EncodedBatch | undefined;
    if (entry !== undefined) batch = await this.#readSpooled(entry);
    else if (parked !== undefined) batch = parked.batch;
    let error: StorageError | undefined;
    if (batch !== undefined) {
      try {
        await this.#sink.insertEncoded(batch);
      } catch (e) {
        error = classifyError(e, { operation: "insert", target: this.#sink.target, what: this.table });
      }
    }
    if (error !== undefined && !isBadData(error)) {
      req.reject(error);
      return;
    }
    // ClickHouse answered.
    if (batch !== undefined && entry !== undefined) {
      if (error === undefined) {
        await this.#spool.remove(entry);
        this.#wrote(batch.rows, true);
      } else {
        await this.#spool.quarantine(entry);
        this.#rejected(batch.rows, entry.path, error);
      }
    } else if (batch !== undefined && parked !== undefined) {
      if (error === undefined) this.#wrote(batch.rows, false);
      else await this.#deadLetter(batch, error);
      this.#settle(parked, error);
    }
    this.#degraded = false;
    this.#probing = false; // this fiber is done; a new outage starts a new one
    this.#spoolShrank();
    this.#log.info("ClickHouse reachable again: replaying the spool", { table: this.table, spoolFiles: this.#spool.files, spoolRows: this.#spool.rows });
    req.resolve();
  }

  /** One insert on the retry Schedule; retry sleeps end early on close(). */
  async #insertWithRetry(batch: EncodedBatch): Promise<Outcome> {
    // The outcome is recorded inside the attempt: an interrupt (close) that arrives during an
    // uninterruptible attempt surfaces after it, and must not turn a landed insert into a failure.
    let landed = false;
    let last: StorageError | undefined;
    const attempt = Effect.uninterruptible(
      Effect.tryPromise({
        try: async () => {
          await this.#sink.insertEncoded(batch);
          landed = true;
        },
        catch: (e) => (last = classifyError(e, { operation: "insert", target: this.#sink.target, what: this.table })),
      }),
    );
    const schedule = storageRetrySchedule(this.#retryPolicy, this.#rng, (error, attempt, delayMs) => {
      this.#retries++;
      this.#log.warn("insert failed, retrying", { table: this.table, rows: batch.rows, attempt, delayMs: Math.round(delayMs), error: error.message });
    });
    const exit = this.#closing
      ? await Effect.runPromiseExit(attempt)
      : await Effect.runPromiseExit(Effect.retry(attempt, schedule), { signal: this.#closeAbort.signal });
    if (landed || Exit.isSuccess(exit)) return { ok: true };
    const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause)) ?? last;
    return {
      ok: false,
      error: error ?? this.#closedError("insert"),
    };
  }

  // ---- waiting and waking -------------------------------------------------------------------

  #waitFor(list: Waiter[]): Promise<void> {
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    const target = this.#admittedRows;
    return new Promise<void>((resolve, reject) => {
      list.push({ target, resolve, reject });
      this.#resolveWaiters();
      this.#wake();
    });
  }

  #resolveWaiters(): void {
    const settled = this.#settledRows;
    for (let i = this.#flushWaiters.length - 1; i >= 0; i--) {
      const w = this.#flushWaiters[i] as Waiter;
      if (settled >= w.target) {
        this.#flushWaiters.splice(i, 1);
        w.resolve();
      }
    }
    if (this.#spool.files > 0 || this.#pending !== undefined) return;
    for (let i = this.#drainWaiters.length - 1; i >= 0; i--) {
      const w = this.#drainWaiters[i] as Waiter;
      if (settled >= w.target) {
        this.#drainWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  #wake(): void {
    this.#signalled = true;
    const wake = this.#wakeLoop;
    this.#wakeLoop = undefined;
    wake?.();
  }

  async #sleep(): Promise<void> {
    if (!this.#signalled) await new Promise<void>((resolve) => (this.#wakeLoop = resolve));
    this.#signalled = false;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    this.#closeAbort.abort(); // cuts retry sleeps and the probe short
    this.#probeRequest?.reject(this.#closedError("probe"));
    this.#probeRequest = undefined;
    this.#wake();
    try {
      await this.#loop;
    } finally {
      if (this.#ageTimer !== undefined) clearTimeout(this.#ageTimer);
      this.#ageTimer = undefined;
      activeDirs.delete(this.#spool.dir);
    }
    if (this.#fatal !== undefined) throw this.#fatal;
    // drain() waiters cannot be satisfied any more: the spool stays for the next writer.
    for (const w of this.#drainWaiters.splice(0)) w.reject(this.#closedError("drain"));
    this.#resolveWaiters();
    if (this.#spool.files > 0) {
      this.#log.info("writer closed with a spool left for the next start", { table: this.table, spoolFiles: this.#spool.files, spoolRows: this.#spool.rows });
    }
  }

  #closedError(what: string): StorageClosedError {
    return new StorageClosedError({ message: `${what} on the ${this.table} writer: it is closed`, target: this.#sink.target, retryable: false });
  }

  #spoolFullError(why: string): SpoolFullError {
    return new SpoolFullError({
      message: `${this.table} writer: ${why} (spool ${this.#spool.bytes} of ${this.#maxSpoolBytes} bytes, ClickHouse ${this.#degraded ? "unreachable" : "reachable"})`,
      table: this.table,
      spoolBytes: this.#spool.bytes,
      maxSpoolBytes: this.#maxSpoolBytes,
      retryable: true,
    });
  }
}

/**
 * The server answered "this data is wrong": retrying or spooling it cannot help, so it is
 * dead-lettered. Everything else keeps the data (spool): outages, but also wrong credentials,
 * a closed storage or a missing table, which an operator fixes without touching the rows.
 */
function isBadData(error: StorageError): boolean {
  return (error._tag === "StorageQueryError" && error.kind !== "unknown-table") || error._tag === "StorageEncodeError";
}

function positive(name: string, v: number): number {
  if (!(v > 0)) throw new RangeError(`BatchedWriter: ${name} must be > 0, got ${v}`);
  return v;
}
