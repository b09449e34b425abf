/**
 * The live Storage: `@clickhouse/client` over either a ClickHouse server (HTTP) or the embedded
 * engine (chdb, plugged in below the client as its `connection`). Everything above the
 * connection is the same code for both, except encoded inserts: on chdb they take its raw
 * insert (see openEmbedded), the writer's hot path.
 *
 * chdb pitfall (DESIGN.md): chdb must be loaded in exactly one thread per process. It is
 * imported lazily, only for `kind: "embedded"`, and refused off the main thread unless the
 * caller says this is the one storage thread.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { isMainThread } from "node:worker_threads";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { classifyError, StorageClosedError, StorageConfigError, StorageEncodeError, type StorageOperation } from "./errors.js";
import { encodeRows, INSERT_SETTINGS } from "./encode.js";
import type { EncodedBatch, Storage } from "./storage.js";

export const DEFAULT_DATA_DIR = "./data/clickhouse";

export interface EmbeddedStorageOptions {
  readonly kind: "embedded";
  /** Data directory, created if missing; default `./data/clickhouse`. One per process (chdb). */
  readonly dataDir?: string;
  /** Set only in the one long-lived storage worker, if storage lives off the main thread. */
  readonly allowWorkerThread?: boolean;
}

export interface ServerStorageOptions {
  readonly kind: "server";
  /** `http(s)://host:8123`; credentials here are accepted but never shown in `target`. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly database?: string;
  /** Per-request timeout; a timeout is a retryable `StorageUnavailableError`. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

export type StorageOptions = EmbeddedStorageOptions | ServerStorageOptions;

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>;

// Applied to every request. JSON numbers for 64-bit ints: our ids/timestamps fit in 2^53 and
// callers get `number`s as the row types say. precise_float_parsing: see encode.ts.
const CLIENT_SETTINGS = {
  ...INSERT_SETTINGS,
  output_format_json_quote_64bit_integers: 0,
} as const;

// The client would print every failed request itself; we classify and the caller logs once.
const CLIENT_LOG = { level: ClickHouseLogLevel.OFF } as const;

// chdb binds one data directory per process; a second one is refused up front with a clear message.
let embeddedDir: string | undefined;
let embeddedOpen = 0;

/**
 * Open storage and check it answers `SELECT 1`. Rejects with a `StorageError`: unavailable
 * (retryable) when the server cannot be reached, auth/query errors otherwise.
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.kind === "embedded") return openEmbedded(options);
  return openServer(options);
}

async function openEmbedded(options: EmbeddedStorageOptions): Promise<Storage> {
  const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const target = `embedded:${dir}`;
  if (!isMainThread && options.allowWorkerThread !== true) {
    throw configError(target, "chdb must be loaded in exactly one thread per process (DESIGN.md); open storage on the main thread");
  }
  if (embeddedDir !== undefined && embeddedDir !== dir) {
    throw configError(target, `this process already has embedded ClickHouse open at ${embeddedDir}; chdb binds one data directory per process`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw configError(target, `cannot create data directory: ${(err as Error).message}`);
  }
  // Claim the directory before the first await, so a concurrent open of another one is refused.
  embeddedDir = dir;
  embeddedOpen++;
  const release = async (): Promise<void> => {
    if (--embeddedOpen > 0) return;
    embeddedDir = undefined;
    // A session closed with work still queued frees its slot only after the engine drains.
    const { drainPending } = await import("chdb");
    await drainPending();
  };
  let client: ClickHouseClient;
  let insertBody: InsertBody;
  try {
    const { createChdbConnection } = await import("chdb/connection");
    const connection = createChdbConnection({ path: dir });
    // chdb types its connection against the standalone @clickhouse/client-common package, the
    // client against its bundled copy of the same declarations: identical at runtime.
    client = createClient({ connection: connection as unknown as ClientConnection, clickhouse_settings: CLIENT_SETTINGS, log: CLIENT_LOG });
    // Inserts skip the client: its chdb connection materialises the body as a JS string, splices
    // it into the SQL text and has it copied into the engine on the JS thread, only after the
    // Readable yields (a nextTick a busy producer starves). chdb's raw insert hands a Buffer to
    // a libuv thread at once, zero-copy, so encoding the next batch overlaps this one's parse.
    insertBody = (batch, columns) =>
      connection.chdb.rawInsert({ table: batch.table, columns, format: batch.format, values: Buffer.from(batch.body, "utf8"), settings: INSERT_SETTINGS });
  } catch (err) {
    await release();
    throw classifyError(err, { operation: "open", target });
  }
  return verified(new ClickHouseStorage(client, target, release, insertBody));
}

async function openServer(options: ServerStorageOptions): Promise<Storage> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw configError("server:<invalid url>", `not a URL: ${JSON.stringify(options.url)}`);
  }
  // Empty strings mean "not set" (config files spell absent credentials that way).
  const username = nonEmpty(options.username) ?? nonEmpty(decodeURIComponent(url.username));
  const password = nonEmpty(options.password) ?? nonEmpty(decodeURIComponent(url.password));
  const database = nonEmpty(options.database);
  url.username = "";
  url.password = "";
  const target = url.toString().replace(/\/$/, "");
  const client = createClient({
    url: target,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(database !== undefined ? { database } : {}),
    request_timeout: options.requestTimeoutMs ?? 30_000,
    clickhouse_settings: CLIENT_SETTINGS,
    log: CLIENT_LOG,
  });
  const insertBody: InsertBody = (batch, columns) =>
    client.insert({ table: batch.table, columns, format: batch.format, values: stringStream(batch.body) });
  return verified(new ClickHouseStorage(client, target, async () => {}, insertBody));
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === "" ? undefined : s;
}

async function verified(storage: ClickHouseStorage): Promise<Storage> {
  try {
    await storage.ping();
    return storage;
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }
}

function configError(target: string, detail: string): StorageConfigError {
  return new StorageConfigError({ message: `open ${target} failed: ${detail}`, target, retryable: false });
}

/** The body as a one-chunk, non-object-mode stream: how the client takes a raw-format insert. */
function stringStream(body: string): Readable {
  return new Readable({
    encoding: "utf8",
    read() {
      this.push(body, "utf8");
      this.push(null);
    },
  });
}

/** Sends one encoded batch: the engine's own path on chdb, the client's over HTTP. */
type InsertBody = (batch: EncodedBatch, columns: [string, ...string[]]) => Promise<unknown>;

class ClickHouseStorage implements Storage {
  readonly #client: ClickHouseClient;
  readonly #release: () => Promise<void>;
  readonly #insertBody: InsertBody;
  #closed = false;
  #inFlight = 0;
  #idle: (() => void) | undefined;

  constructor(client: ClickHouseClient, readonly target: string, release: () => Promise<void>, insertBody: InsertBody) {
    this.#client = client;
    this.#release = release;
    this.#insertBody = insertBody;
  }

  async ping(): Promise<void> {
    await this.#run("open", "SELECT 1", async () => {
      const rs = await this.#client.query({ query: "SELECT 1 AS ok", format: "JSONEachRow" });
      const rows = await rs.json<{ ok: number }>();
      if (rows[0]?.ok !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(rows)}`);
    });
  }

  exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#run("exec", preview(sql), async () => {
      await this.#client.command({ query: sql, ...(params ? { query_params: { ...params } } : {}) });
    });
  }

  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]> {
    return this.#run("query", preview(sql), async () => {
      const rs = await this.#client.query({
        query: sql,
        format: "JSONEachRow",
        ...(params ? { query_params: { ...params } } : {}),
      });
      return rs.json<T>();
    });
  }

  insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    // Encoding errors are the caller's bug: they reject before any I/O.
    let batch: EncodedBatch;
    try {
      batch = encodeRows(table, rows);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.insertEncoded(batch);
  }

  insertEncoded(batch: EncodedBatch): Promise<void> {
    if (batch.rows === 0) return Promise.resolve();
    const [first, ...rest] = batch.columns;
    if (first === undefined) return Promise.reject(noColumns(batch.table));
    return this.#run("insert", batch.table, async () => {
      await this.#insertBody(batch, [first, ...rest]);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inFlight > 0) await new Promise<void>((done) => (this.#idle = done));
    try {
      await this.#client.close();
    } catch (err) {
      throw classifyError(err, { operation: "close", target: this.target });
    } finally {
      await this.#release();
    }
  }

  async #run<T>(operation: StorageOperation, what: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new StorageClosedError({ message: `${operation} ${what} on ${this.target}: storage is closed`, target: this.target, retryable: false });
    }
    this.#inFlight++;
    try {
      return await body();
    } catch (err) {
      throw classifyError(err, { operation, target: this.target, what });
    } finally {
      if (--this.#inFlight === 0 && this.#idle) this.#idle();
    }
  }
}

function noColumns(table: string): StorageEncodeError {
  return new StorageEncodeError({ message: `batch for table ${table} has rows but no columns`, table, row: 0, column: "", retryable: false });
}

/** The first words of a statement, for error messages (never the data). */
function preview(sql: string): string {
  const s = sql.replace(/\s+/g, " ").trim();
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
