/**
 * What push() turns rows into: encoded chunks of at most one batch each, and, with durable acks,
 * one ticket the chunks of a push share, settled as each chunk lands in ClickHouse or the spool.
 */
import { encodeRows } from "./encode.js";
import type { EncodedBatch } from "./storage.js";

export interface Ticket {
  remaining: number;
  error: unknown;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface Chunk {
  readonly batch: EncodedBatch;
  ticket: Ticket | undefined;
}

/** Encode `rows` (throws StorageEncodeError before anything is accepted) in chunks of `maxRows`. */
export function encodeChunks(table: string, rows: readonly object[], columns: readonly string[], maxRows: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let i = 0; i < rows.length; i += maxRows) {
    const slice = i === 0 && rows.length <= maxRows ? rows : rows.slice(i, i + maxRows);
    chunks.push({ batch: encodeRows(table, slice, columns), ticket: undefined });
  }
  return chunks;
}

/** A durable push resolves once all its chunks settled, and rejects if any was refused. */
export function attachTicket(chunks: readonly Chunk[], resolve: () => void, reject: (err: unknown) => void): void {
  const ticket: Ticket = { remaining: chunks.length, error: undefined, resolve, reject };
  for (const c of chunks) c.ticket = ticket;
}

/** These chunks are in ClickHouse or the spool (or refused with `error`): tell their pushes. */
export function settleChunks(chunks: readonly Chunk[], error?: unknown): void {
  for (const c of chunks) {
    const t = c.ticket;
    if (t === undefined) continue;
    if (error !== undefined) t.error = error;
    if (--t.remaining === 0) {
      if (t.error !== undefined) t.reject(t.error);
      else t.resolve();
    }
  }
}
