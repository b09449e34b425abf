/**
 * The batched writer's options, what they default to, and the stats it reports. See
 * batched-writer.ts for what the knobs mean together (acks, spool bound, outages).
 */
import { systemClock, type Clock } from "../../core/clock.js";
import { seededRng, type Rng } from "../../core/random.js";
import { INSERT_BACKOFF, PROBE_BACKOFF, type BackoffPolicy } from "./retry.js";
import type { Storage, StorageLogger } from "./storage.js";

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
  /** When push() resolves; see batched-writer.ts. Default "buffered". */
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

/** The options with every default filled in and every bound checked. */
export interface WriterSettings {
  readonly maxBatchRows: number;
  readonly maxBufferRows: number;
  readonly flushIntervalMs: number;
  readonly maxSpoolBytes: number;
  readonly onSpoolFull: SpoolFullPolicy;
  readonly blockTimeoutMs: number | undefined;
  readonly durable: boolean;
  readonly retry: BackoffPolicy;
  readonly probe: BackoffPolicy;
  readonly clock: Clock;
  readonly rng: Rng;
}

export function writerSettings(options: BatchedWriterOptions): WriterSettings {
  const maxBatchRows = positive("maxBatchRows", options.maxBatchRows ?? 50_000);
  return {
    maxBatchRows,
    maxBufferRows: positive("maxBufferRows", options.maxBufferRows ?? 4 * maxBatchRows),
    flushIntervalMs: positive("flushIntervalMs", options.flushIntervalMs ?? 1_000),
    maxSpoolBytes: positive("maxSpoolBytes", options.maxSpoolBytes ?? 1024 ** 3),
    onSpoolFull: options.onSpoolFull ?? "block",
    blockTimeoutMs: options.blockTimeoutMs,
    durable: options.ack === "durable",
    retry: { ...INSERT_BACKOFF, ...options.retry },
    probe: { ...PROBE_BACKOFF, ...options.probe, maxRetries: Infinity },
    clock: options.clock ?? systemClock,
    rng: options.rng ?? seededRng(process.pid),
  };
}

function positive(name: string, v: number): number {
  if (!(v > 0)) throw new RangeError(`BatchedWriter: ${name} must be > 0, got ${v}`);
  return v;
}
