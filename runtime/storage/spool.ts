/**
 * The batched writer's on-disk spool: one file per encoded batch, in one directory per table.
 *
 * File `<seq:12>-<rows>.spool`: a JSON header line, then the TabSeparated body exactly as it
 * would have been sent. Written to `<name>.tmp`, fsync'd, renamed, then the directory fsync'd:
 * a file with the final name is complete and durable; a `.tmp` left by a crash was never
 * reported durable and is deleted on open. Replay order is `seq` order.
 *
 * `rejected/` holds batches ClickHouse refused as invalid (dead letters) and files that fail
 * their length check. They are never replayed automatically; move one back into the table's
 * directory (keeping a free seq) to replay it after fixing the cause.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { SpoolIoError } from "./errors.js";
import type { EncodedBatch, StorageLogger } from "./storage.js";

const FILE_RE = /^(\d{12})-(\d+)\.spool$/;
const FORMAT_VERSION = 1;

export interface SpoolEntry {
  readonly seq: number;
  readonly rows: number;
  readonly bytes: number;
  readonly path: string;
}

interface Header {
  readonly v: number;
  readonly table: string;
  readonly columns: readonly string[];
  readonly format: "TabSeparated";
  readonly rows: number;
  readonly bodyBytes: number;
  readonly createdMs: number;
  readonly error?: string;
}

export class Spool {
  readonly #dir: string;
  readonly #table: string;
  readonly #entries: SpoolEntry[];
  #bytes: number;
  #rows: number;
  #nextSeq: number;

  private constructor(dir: string, table: string, entries: SpoolEntry[]) {
    this.#dir = dir;
    this.#table = table;
    this.#entries = entries;
    this.#bytes = entries.reduce((s, e) => s + e.bytes, 0);
    this.#rows = entries.reduce((s, e) => s + e.rows, 0);
    this.#nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  }

  /** Create the directory if needed, drop partial `.tmp` files, index the complete ones. */
  static async open(dir: string, table: string, logger: StorageLogger): Promise<Spool> {
    try {
      await mkdir(join(dir, "rejected"), { recursive: true });
      const entries: SpoolEntry[] = [];
      for (const name of await readdir(dir)) {
        if (name.endsWith(".tmp")) {
          await unlink(join(dir, name));
          logger.warn("spool: deleted a partial file left by a crash (never acknowledged as durable)", { table, file: name });
          continue;
        }
        const m = FILE_RE.exec(name);
        if (!m) continue;
        const path = join(dir, name);
        entries.push({ seq: Number(m[1]), rows: Number(m[2]), bytes: (await stat(path)).size, path });
      }
      entries.sort((a, b) => a.seq - b.seq);
      return new Spool(dir, table, entries);
    } catch (err) {
      throw ioError(`cannot open spool directory for ${table}`, dir, err);
    }
  }

  get dir(): string {
    return this.#dir;
  }
  get files(): number {
    return this.#entries.length;
  }
  get bytes(): number {
    return this.#bytes;
  }
  get rows(): number {
    return this.#rows;
  }
  oldest(): SpoolEntry | undefined {
    return this.#entries[0];
  }

  /** Bytes a batch will take on disk (header included), to check the bound before writing. */
  static sizeOf(batch: EncodedBatch): number {
    return Buffer.byteLength(batch.body) + 512 + batch.columns.reduce((s, c) => s + c.length + 3, 0);
  }

  /** Durably append one batch; resolves once the file and its directory entry are fsync'd. */
  async append(batch: EncodedBatch, nowMs: number): Promise<SpoolEntry> {
    const seq = this.#nextSeq++;
    const path = join(this.#dir, `${String(seq).padStart(12, "0")}-${batch.rows}.spool`);
    const bytes = await writeDurably(path, header(batch, nowMs), batch.body);
    const entry = { seq, rows: batch.rows, bytes, path };
    this.#entries.push(entry);
    this.#bytes += bytes;
    this.#rows += batch.rows;
    return entry;
  }

  /**
   * Read a spooled batch back. A file that cannot be read or fails its checks is moved to
   * `rejected/` and the call throws; if the move fails too, the entry stays and that error is thrown.
   */
  async read(entry: SpoolEntry): Promise<EncodedBatch> {
    let text: string;
    try {
      text = await readFile(entry.path, "utf8");
    } catch (err) {
      await this.quarantine(entry); // if even this fails, its error propagates: the caller stops
      throw ioError("unreadable spool file moved to rejected/", entry.path, err);
    }
    const nl = text.indexOf("\n");
    let h: Header | undefined;
    try {
      h = JSON.parse(text.slice(0, nl)) as Header;
    } catch {
      h = undefined;
    }
    const body = text.slice(nl + 1);
    const problem =
      nl < 0 || h === undefined
        ? "unreadable header"
        : h.v !== FORMAT_VERSION
          ? `unknown format version ${String(h.v)}`
          : h.table !== this.#table
            ? `belongs to table ${h.table}`
            : Buffer.byteLength(body) !== h.bodyBytes
              ? `body is ${Buffer.byteLength(body)} bytes, header says ${h.bodyBytes}`
              : undefined;
    if (problem !== undefined || h === undefined) {
      await this.quarantine(entry);
      throw ioError(`corrupt spool file moved to rejected/ (${problem ?? "?"})`, entry.path, undefined);
    }
    return { table: h.table, columns: h.columns, format: h.format, rows: h.rows, body };
  }

  /** The batch is in ClickHouse: forget it. A crash before this only causes a harmless replay. */
  async remove(entry: SpoolEntry): Promise<void> {
    try {
      await unlink(entry.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw ioError("cannot delete replayed spool file", entry.path, err);
    }
    this.#forget(entry);
  }

  /** Move a file out of the replay queue into `rejected/`. */
  async quarantine(entry: SpoolEntry): Promise<void> {
    try {
      await rename(entry.path, join(this.#dir, "rejected", basename(entry.path)));
    } catch (err) {
      throw ioError("cannot move spool file to rejected/", entry.path, err);
    }
    this.#forget(entry);
  }

  /** Durably keep a batch ClickHouse refused as invalid, with the reason, outside the replay queue. */
  async deadLetter(batch: EncodedBatch, nowMs: number, error: string): Promise<string> {
    const seq = this.#nextSeq++;
    const path = join(this.#dir, "rejected", `${String(seq).padStart(12, "0")}-${batch.rows}.spool`);
    await writeDurably(path, header(batch, nowMs, error), batch.body);
    return path;
  }

  #forget(entry: SpoolEntry): void {
    const i = this.#entries.indexOf(entry);
    if (i < 0) return;
    this.#entries.splice(i, 1);
    this.#bytes -= entry.bytes;
    this.#rows -= entry.rows;
  }
}

function header(batch: EncodedBatch, nowMs: number, error?: string): string {
  const h: Header = {
    v: FORMAT_VERSION,
    table: batch.table,
    columns: batch.columns,
    format: batch.format,
    rows: batch.rows,
    bodyBytes: Buffer.byteLength(batch.body),
    createdMs: nowMs,
    ...(error !== undefined ? { error } : {}),
  };
  return `${JSON.stringify(h)}\n`;
}

async function writeDurably(path: string, head: string, body: string): Promise<number> {
  const tmp = `${path}.tmp`;
  try {
    const fh = await open(tmp, "w");
    try {
      await fh.write(head);
      await fh.write(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
    return Buffer.byteLength(head) + Buffer.byteLength(body);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw ioError("cannot write spool file", path, err);
  }
}

/** fsync the directory so the rename itself survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function ioError(what: string, path: string, cause: unknown): SpoolIoError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new SpoolIoError({ message: `${what} ${path}${detail}`, path, retryable: false, ...(cause !== undefined ? { cause } : {}) });
}
