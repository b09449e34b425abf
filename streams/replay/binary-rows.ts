/**
 * The binary recording format: `feed_events` rows with each payload decoded once, when the file
 * is written, instead of at every replay. A JSONL line costs two JSON parses and a base64 decode
 * per replay and leaves an object tree per row for the garbage collector; a binary record is read
 * straight into the `FeedEvent` the payload decodes to (`RecordedRow.event`), repeated strings
 * (pubkeys, programs, log lines) come from a table, and account bytes are a view of the chunk.
 *
 * File: the magic `ALPHAGPT-ROWS/1\n`, then records, each a u32 (LE) byte length and a body:
 *
 *   u8 type          0 row (the columns and the payload string), 1 account, 2 transaction, 3 gap
 *   columns          f64 slot, f64 write_version, f64 ts_ms, str kind, str mint, str signature
 *   row              str payload (rows that are not raw feed rows, or whose payload does not
 *                    decode: replay counts them as it would count the table's row)
 *   account          str pubkey, str owner, bytes data, f64 writeVersion, f64 tsEvent, f64 tsInit
 *   transaction      str signature, f64 index, u8 failed, list<str> accountKeys,
 *                    list<str> logMessages, list<balance> pre, list<balance> post, f64 tsEvent,
 *                    f64 tsInit
 *   gap              f64 requestedFromSlot, f64 resumedAtSlot, f64 tsInit
 *   balance          f64 accountIndex, str mint, str owner, amount, f64 decimals
 *   amount           u8 0 then f64 (a safe integer), or u8 1 then str (decimal digits)
 *   bytes, list      varint count, then the items
 *   str              varint v: v & 3 = 0: entry v >> 2 of the string table; 1: v >> 2 UTF-8
 *                    bytes follow, added to the table; 2: v >> 2 UTF-8 bytes follow, not added;
 *                    v = 3: the row's signature column again (an account's pubkey, a
 *                    transaction's signature)
 *
 * Numbers are f64 (exactly the JSON numbers). The writer adds a string to the table the second
 * time it meets it (a signature is met once, a pool's pubkey a million times; a table entry is
 * an object the garbage collector promotes, so a signature must not become one); the table holds at
 * most 65,536 strings, and the entry that would exceed that empties it first, in writer and reader
 * alike, so memory stays flat however long the file.
 */
import type { FeedEvent, TokenBalance } from "../types.js";
import { feedEventOfRow, Phase, phaseOf, type RecordedRow } from "./rows.js";

export const BINARY_ROWS_MAGIC = Buffer.from("ALPHAGPT-ROWS/1\n", "latin1");

const TABLE_MAX = 65_536;
const Type = { Row: 0, Account: 1, Transaction: 2, Gap: 3 } as const;

/** Rows to records (each with its length prefix). Stateful: one per file, rows in file order. */
export class BinaryRowEncoder {
  #buf = Buffer.allocUnsafe(1 << 16);
  #at = 0;
  readonly #table = new Map<string, number>();
  /** Strings met once (the writer's side only: the second meeting adds them to the table). */
  readonly #seen = new Set<string>();

  /** The record of one row. The returned bytes are valid until the next call. */
  encode(row: RecordedRow): Uint8Array {
    this.#at = 4;
    const raw = phaseOf(row.kind) !== Phase.Other && !row.kind.startsWith("late_");
    const ev = raw ? feedEventOfRow(row) : "not a raw feed row";
    this.#u8(typeof ev === "string" ? Type.Row : ev.kind === "account" ? Type.Account : ev.kind === "transaction" ? Type.Transaction : Type.Gap);
    this.#f64(row.slot);
    this.#f64(row.write_version);
    this.#f64(row.ts_ms);
    this.#str(row.kind);
    this.#str(row.mint);
    this.#str(row.signature);
    if (typeof ev === "string") this.#str(row.parsed !== undefined ? JSON.stringify(row.parsed) : row.payload);
    else this.#event(ev, row.signature);
    this.#buf.writeUInt32LE(this.#at - 4, 0);
    return this.#buf.subarray(0, this.#at);
  }

  #event(ev: FeedEvent, signature: string): void {
    switch (ev.kind) {
      case "account": {
        const u = ev.update;
        this.#strOr(u.pubkey, signature);
        this.#str(u.owner);
        this.#varint(u.data.length);
        this.#room(u.data.length);
        this.#buf.set(u.data, this.#at);
        this.#at += u.data.length;
        this.#f64(u.writeVersion);
        this.#f64(u.tsEvent);
        this.#f64(u.tsInit);
        return;
      }
      case "transaction": {
        const t = ev.update;
        this.#strOr(t.signature, signature);
        this.#f64(t.index);
        this.#u8(t.failed ? 1 : 0);
        this.#strs(t.accountKeys);
        this.#strs(t.logMessages);
        this.#balances(t.preTokenBalances);
        this.#balances(t.postTokenBalances);
        this.#f64(t.tsEvent);
        this.#f64(t.tsInit);
        return;
      }
      case "gap":
        this.#f64(ev.requestedFromSlot);
        this.#f64(ev.resumedAtSlot);
        this.#f64(ev.tsInit);
        return;
      default:
        throw new Error(`binary rows: a row never decodes to a ${ev.kind} event`);
    }
  }

  #balances(list: readonly TokenBalance[]): void {
    this.#varint(list.length);
    for (const b of list) {
      this.#f64(b.accountIndex);
      this.#str(b.mint);
      this.#str(b.owner);
      if (b.amount <= BigInt(Number.MAX_SAFE_INTEGER)) {
        this.#u8(0);
        this.#f64(Number(b.amount));
      } else {
        this.#u8(1);
        this.#str(b.amount.toString());
      }
      this.#f64(b.decimals);
    }
  }

  #strs(list: readonly string[]): void {
    this.#varint(list.length);
    for (const s of list) this.#str(s);
  }

  /** `s`, or the row's signature column when it is that. */
  #strOr(s: string, signature: string): void {
    if (s === signature) this.#varint(3);
    else this.#str(s);
  }

  #str(s: string): void {
    const id = this.#table.get(s);
    if (id !== undefined) return this.#varint(id * 4);
    const n = Buffer.byteLength(s, "utf8");
    let tag = 2;
    if (this.#seen.has(s)) {
      this.#seen.delete(s);
      if (this.#table.size >= TABLE_MAX) this.#table.clear();
      this.#table.set(s, this.#table.size);
      tag = 1;
    } else {
      if (this.#seen.size >= TABLE_MAX) this.#seen.clear();
      this.#seen.add(s);
    }
    this.#varint(n * 4 + tag);
    this.#room(n);
    this.#at += this.#buf.write(s, this.#at, "utf8");
  }

  #varint(x: number): void {
    this.#room(8);
    while (x >= 0x80) {
      this.#buf[this.#at++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.#buf[this.#at++] = x;
  }

  #u8(x: number): void {
    this.#room(1);
    this.#buf[this.#at++] = x;
  }

  #f64(x: number): void {
    this.#room(8);
    this.#buf.writeDoubleLE(x, this.#at);
    this.#at += 8;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, this.#at + n));
    this.#buf.copy(next, 0, 0, this.#at);
    this.#buf = next;
  }
}

/**
 * Records back to rows. Stateful (the string table): one per file, records in file order. A
 * record that does not read (a truncated or foreign file) gives the reason instead of a row.
 */
export class BinaryRowDecoder {
  readonly #table: string[] = [];
  #d: Buffer = Buffer.alloc(0);
  /** #d as a DataView (made once per chunk): its getFloat64 is compiled inline, Buffer's is not. */
  #v: DataView = new DataView(new ArrayBuffer(0));
  #at = 0;

  /** The row of the record body `data[start, end)`. */
  decode(data: Buffer, start: number, end: number): RecordedRow | string {
    if (data !== this.#d) {
      this.#d = data;
      this.#v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    }
    this.#at = start;
    try {
      const row = this.#row();
      return this.#at === end ? row : "record length does not match its fields";
    } catch (e) {
      return e instanceof RangeError ? "record is truncated" : String(e);
    }
  }

  #row(): RecordedRow | string {
    const type = this.#u8();
    const slot = this.#f64();
    const write_version = this.#f64();
    const ts_ms = this.#f64();
    const kind = this.#str();
    const mint = this.#str();
    const signature = this.#str();
    switch (type) {
      case Type.Row:
        return { slot, signature, write_version, kind, mint, payload: this.#str(), ts_ms };
      case Type.Account:
        return { slot, signature, write_version, kind, mint, payload: "", ts_ms, event: this.#account(slot, signature) };
      case Type.Transaction:
        return { slot, signature, write_version, kind, mint, payload: "", ts_ms, event: this.#transaction(slot, signature) };
      case Type.Gap: {
        const requestedFromSlot = this.#f64();
        const resumedAtSlot = this.#f64();
        return { slot, signature, write_version, kind, mint, payload: "", ts_ms, event: { kind: "gap", requestedFromSlot, resumedAtSlot, tsInit: this.#f64() } };
      }
      default:
        return `unknown record type ${type}`;
    }
  }

  // Fields are read in the order feedEventOfRow builds them, so events from JSON and from here
  // share their shapes (one hidden class each downstream).
  #account(slot: number, rowSignature: string): FeedEvent {
    const pubkey = this.#str(rowSignature);
    const owner = this.#str();
    const n = this.#varint();
    if (this.#at + n > this.#d.length) throw new RangeError("data");
    const data = new Uint8Array(this.#d.buffer, this.#d.byteOffset + this.#at, n);
    this.#at += n;
    const writeVersion = this.#f64();
    const tsEvent = this.#f64();
    return { kind: "account", update: { pubkey, owner, data, slot, writeVersion, tsEvent, tsInit: this.#f64() } };
  }

  #transaction(slot: number, rowSignature: string): FeedEvent {
    const signature = this.#str(rowSignature);
    const index = this.#f64();
    const failed = this.#u8() === 1;
    const accountKeys = this.#strs();
    const logMessages = this.#strs();
    const preTokenBalances = this.#balances();
    const postTokenBalances = this.#balances();
    const tsEvent = this.#f64();
    return {
      kind: "transaction",
      update: { signature, slot, index, failed, accountKeys, logMessages, preTokenBalances, postTokenBalances, tsEvent, tsInit: this.#f64() },
    };
  }

  #balances(): TokenBalance[] {
    const n = this.#varint();
    const out: TokenBalance[] = [];
    for (let i = 0; i < n; i++) {
      const accountIndex = this.#f64();
      const mint = this.#str();
      const owner = this.#str();
      const amount = this.#u8() === 0 ? BigInt(this.#f64()) : BigInt(this.#str());
      out.push({ accountIndex, mint, owner, amount, decimals: this.#f64() });
    }
    return out;
  }

  #strs(): string[] {
    const n = this.#varint();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.#str());
    return out;
  }

  /** A string; `rowSignature` is what v = 3 stands for (none where the format has no such field). */
  #str(rowSignature?: string): string {
    const v = this.#varint();
    const tag = v & 3;
    const n = Math.floor(v / 4);
    if (tag === 0) {
      const s = this.#table[n];
      if (s === undefined) throw new Error(`string ${n} is not in the table`);
      return s;
    }
    if (v === 3 && rowSignature !== undefined) return rowSignature;
    if (tag === 3 || this.#at + n > this.#d.length) throw new RangeError("string");
    const s = this.#d.toString("utf8", this.#at, this.#at + n);
    this.#at += n;
    if (tag === 1) {
      if (this.#table.length >= TABLE_MAX) this.#table.length = 0;
      this.#table.push(s);
    }
    return s;
  }

  #varint(): number {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.#u8();
      x += (b & 0x7f) * scale;
      if (b < 0x80) return x;
      scale *= 0x80;
    }
  }

  #u8(): number {
    const b = this.#d[this.#at++];
    if (b === undefined) throw new RangeError("u8");
    return b;
  }

  #f64(): number {
    const x = this.#v.getFloat64(this.#at, true);
    this.#at += 8;
    return x;
  }
}
