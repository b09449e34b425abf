/**
 * Storage errors, and the one place raw driver errors (chdb, @clickhouse/client, Node sockets)
 * are classified. Callers decide by `_tag` or `retryable`, never by message text.
 *
 * Retryable means "the same request may succeed later unchanged" (network, timeouts, overload);
 * the batched writer retries those, then spools. Non-retryable means the request itself is wrong
 * (syntax, unknown table, bad data, credentials) and will fail the same way every time.
 */
import { Data } from "effect";

/** What we were doing when it failed; named in every error. */
export type StorageOperation = "open" | "exec" | "query" | "insert" | "close";

/** ClickHouse unreachable or overloaded: connection refused/reset, timeouts, too many parts. */
export class StorageUnavailableError extends Data.TaggedError("StorageUnavailableError")<{
  readonly message: string;
  readonly operation: StorageOperation;
  readonly target: string;
  /** ClickHouse error code, or the Node errno (`ECONNREFUSED`), or `timeout` / `unknown`. */
  readonly reason: string;
  readonly retryable: true;
  readonly cause?: unknown;
}> {}

/** ClickHouse refused the credentials or the user lacks a grant. */
export class StorageAuthError extends Data.TaggedError("StorageAuthError")<{
  readonly message: string;
  readonly operation: StorageOperation;
  readonly target: string;
  readonly code: number;
  readonly retryable: false;
  readonly cause?: unknown;
}> {}

export type QueryErrorKind = "syntax" | "unknown-table" | "unknown-column" | "type" | "bad-data" | "other";

/** The statement or its data is wrong: retrying it unchanged fails the same way. */
export class StorageQueryError extends Data.TaggedError("StorageQueryError")<{
  readonly message: string;
  readonly operation: StorageOperation;
  readonly target: string;
  readonly kind: QueryErrorKind;
  /** ClickHouse error code; 0 when the driver gave none. */
  readonly code: number;
  readonly retryable: false;
  readonly cause?: unknown;
}> {}

/** A row that cannot be encoded (missing column, object value): a bug in the caller. */
export class StorageEncodeError extends Data.TaggedError("StorageEncodeError")<{
  readonly message: string;
  readonly table: string;
  readonly row: number;
  readonly column: string;
  readonly retryable: false;
}> {}

/** Options that cannot work: a second chdb data directory in one process, a shared spool directory, a bad URL. */
export class StorageConfigError extends Data.TaggedError("StorageConfigError")<{
  readonly message: string;
  readonly target: string;
  readonly retryable: false;
}> {}

/** The storage (or the writer) was used after close(). */
export class StorageClosedError extends Data.TaggedError("StorageClosedError")<{
  readonly message: string;
  readonly target: string;
  readonly retryable: false;
}> {}

/** The writer's spool reached its byte bound while ClickHouse is unreachable (policy `reject`, or a `block` timeout). */
export class SpoolFullError extends Data.TaggedError("SpoolFullError")<{
  readonly message: string;
  readonly table: string;
  readonly spoolBytes: number;
  readonly maxSpoolBytes: number;
  readonly retryable: true;
}> {}

/** Writing or reading a spool file failed (disk full, permissions, corrupt file). */
export class SpoolIoError extends Data.TaggedError("SpoolIoError")<{
  readonly message: string;
  readonly path: string;
  readonly retryable: false;
  readonly cause?: unknown;
}> {}

/** The migration list does not match what the database recorded (an applied one was edited). */
export class MigrationMismatchError extends Data.TaggedError("MigrationMismatchError")<{
  readonly message: string;
  readonly version: number;
}> {}

export type StorageError =
  | StorageUnavailableError
  | StorageAuthError
  | StorageQueryError
  | StorageEncodeError
  | StorageConfigError
  | StorageClosedError;

const STORAGE_TAGS = new Set<string>([
  "StorageUnavailableError",
  "StorageAuthError",
  "StorageQueryError",
  "StorageEncodeError",
  "StorageConfigError",
  "StorageClosedError",
]);

export function isStorageError(err: unknown): err is StorageError {
  return typeof err === "object" && err !== null && STORAGE_TAGS.has((err as { _tag?: unknown })._tag as string);
}

// ClickHouse codes (src/Common/ErrorCodes.cpp) where the same request can succeed later.
const RETRYABLE_CODES = new Set([
  3, // UNEXPECTED_END_OF_FILE (connection cut mid-response)
  159, // TIMEOUT_EXCEEDED
  160, // TOO_SLOW
  173, // CANNOT_ALLOCATE_MEMORY
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  236, // ABORTED
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY (replica lost keeper)
  252, // TOO_MANY_PARTS
  285, // TOO_FEW_LIVE_REPLICAS
  319, // UNKNOWN_STATUS_OF_INSERT
  394, // QUERY_WAS_CANCELLED
  425, // SYSTEM_ERROR
  439, // CANNOT_SCHEDULE_TASK
  999, // KEEPER_EXCEPTION
  1000, // POCO_EXCEPTION
]);

const AUTH_CODES = new Set([192, 193, 194, 195, 497, 516]);

const QUERY_KIND: ReadonlyMap<number, QueryErrorKind> = new Map<number, QueryErrorKind>([
  [62, "syntax"],
  [60, "unknown-table"],
  [81, "unknown-table"], // UNKNOWN_DATABASE
  [16, "unknown-column"], // NO_SUCH_COLUMN_IN_TABLE
  [47, "unknown-column"], // UNKNOWN_IDENTIFIER
  [43, "type"], // ILLEGAL_TYPE_OF_ARGUMENT
  [53, "type"], // TYPE_MISMATCH
  [70, "type"], // CANNOT_CONVERT_TYPE
  [6, "bad-data"], // CANNOT_PARSE_TEXT
  [26, "bad-data"], // CANNOT_PARSE_QUOTED_STRING
  [27, "bad-data"], // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  [38, "bad-data"], // CANNOT_PARSE_DATE
  [41, "bad-data"], // CANNOT_PARSE_DATETIME
  [69, "bad-data"], // ARGUMENT_OUT_OF_BOUND
  [72, "bad-data"], // CANNOT_PARSE_NUMBER
  [117, "bad-data"], // INCORRECT_DATA
]);

// Node / undici socket errnos that mean "could not talk to the server right now".
const NETWORK_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export interface ErrorContext {
  readonly operation: StorageOperation;
  readonly target: string;
  /** The table or a statement prefix, named in the message. */
  readonly what?: string;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" || typeof code === "number" ? String(code) : undefined;
}

function clickhouseCode(err: unknown, msg: string): number | undefined {
  const fromProp = errorCode(err);
  if (fromProp !== undefined && /^\d+$/.test(fromProp)) return Number(fromProp);
  const ch = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  if (typeof ch === "number") return ch;
  const m = /^Code: (\d+)\./.exec(msg);
  return m ? Number(m[1]) : undefined;
}

/** Walks `cause` chains: undici and chdb wrap the socket error one or two levels down. */
function findErrno(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && typeof cur === "object" && cur !== null; depth++) {
    const code = errorCode(cur);
    if (code !== undefined && NETWORK_ERRNOS.has(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Map anything a driver threw to one `StorageError`. Already-classified errors pass through.
 * Unknown failures without a ClickHouse code are treated as unavailable (retryable): for data
 * that is the safe side, since a retried-then-spooled batch is kept, a dead-lettered one is not.
 */
export function classifyError(err: unknown, ctx: ErrorContext): StorageError {
  if (isStorageError(err)) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const where = `${ctx.operation}${ctx.what ? ` ${ctx.what}` : ""} on ${ctx.target}`;
  const message = `${where} failed: ${raw}`;

  if (/ChdbConnection is closed|Connection is closed|client (is|was) closed|No active connection available/i.test(raw)) {
    return new StorageClosedError({ message, target: ctx.target, retryable: false });
  }
  const errno = findErrno(err);
  if (errno !== undefined) {
    return new StorageUnavailableError({ ...base(ctx, message), reason: errno, retryable: true, cause: err });
  }
  const code = clickhouseCode(err, raw);
  if (code !== undefined) {
    if (RETRYABLE_CODES.has(code)) {
      return new StorageUnavailableError({ ...base(ctx, message), reason: String(code), retryable: true, cause: err });
    }
    if (AUTH_CODES.has(code)) {
      return new StorageAuthError({ ...base(ctx, message), code, retryable: false, cause: err });
    }
    return new StorageQueryError({
      ...base(ctx, message),
      kind: QUERY_KIND.get(code) ?? "other",
      code,
      retryable: false,
      cause: err,
    });
  }
  if (/timeout|timed out/i.test(raw) || errorCode(err) === "CHDB_TIMEOUT") {
    return new StorageUnavailableError({ ...base(ctx, message), reason: "timeout", retryable: true, cause: err });
  }
  // chdb's raw insert refuses a table or column name it cannot write unquoted into SQL before
  // the engine sees it: a statement that can never run, like a syntax error.
  if (/syntax error|^Invalid insert (target table|column):/i.test(raw) || errorCode(err) === "CHDB_SYNTAX") {
    return new StorageQueryError({ ...base(ctx, message), kind: "syntax", code: 62, retryable: false, cause: err });
  }
  return new StorageUnavailableError({ ...base(ctx, message), reason: "unknown", retryable: true, cause: err });
}

function base(ctx: ErrorContext, message: string): { message: string; operation: StorageOperation; target: string } {
  return { message, operation: ctx.operation, target: ctx.target };
}
