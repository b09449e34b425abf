/**
 * Checkpoint encoding: parameters, AdamW moments and step, and the caller's metadata (trainer
 * state, config hash) in one self-describing buffer, so one atomic rename saves all of it.
 *
 * Layout: "AGPTCKPT" | u32 format version | u32 header bytes | header JSON | pad to 4 |
 * float32 data (little-endian, as on every host we run). The header lists each array's key,
 * offset and length; a size or key mismatch fails loudly instead of loading a wrong model.
 */
import type { PolicySnapshot } from "./policy.js";

const MAGIC = "AGPTCKPT";
export const CHECKPOINT_FORMAT = 1;

interface Entry {
  readonly key: string;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly optimizerStep: number;
  readonly entries: readonly Entry[];
  readonly meta: unknown;
}

export interface DecodedCheckpoint<M> {
  readonly snapshot: PolicySnapshot;
  readonly meta: M;
}

export function encodeCheckpoint(snap: PolicySnapshot, meta: unknown): Uint8Array {
  const arrays: [string, Float32Array][] = [
    ...Object.entries(snap.params).map(([k, v]) => [`p/${k}`, v] as [string, Float32Array]),
    ...Object.entries(snap.optimizer.m).map(([k, v]) => [`m/${k}`, v] as [string, Float32Array]),
    ...Object.entries(snap.optimizer.v).map(([k, v]) => [`v/${k}`, v] as [string, Float32Array]),
  ];
  let offset = 0;
  const entries = arrays.map(([key, v]) => {
    const e = { key, offset, length: v.length };
    offset += v.length;
    return e;
  });
  const header: Header = { optimizerStep: snap.optimizer.step, entries, meta };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(8 + 4 + 4 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_FORMAT, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  const data = new Float32Array(out.buffer, dataStart, offset);
  arrays.forEach(([, v], i) => data.set(v, entries[i]!.offset));
  return out;
}

export function decodeCheckpoint<M>(bytes: Uint8Array): DecodedCheckpoint<M> {
  const bad = (why: string): never => {
    throw new Error(`not a valid checkpoint: ${why}`);
  };
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad("missing magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== CHECKPOINT_FORMAT) bad(`format ${format}, expected ${CHECKPOINT_FORMAT}`);
  const headerLen = view.getUint32(12, true);
  if (16 + headerLen > bytes.length) bad("truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLen))) as Header;
  const dataStart = align4(16 + headerLen);
  const total = header.entries.reduce((a, e) => Math.max(a, e.offset + e.length), 0);
  if (dataStart + total * 4 !== bytes.length) bad(`expected ${dataStart + total * 4} bytes, found ${bytes.length}`);
  // Copy into a fresh buffer: a Node Buffer's .slice() is a view into a shared pool, and its
  // offset need not be 4-aligned.
  const raw = new Uint8Array(bytes.length - dataStart);
  raw.set(bytes.subarray(dataStart));
  const data = new Float32Array(raw.buffer);
  const params: Record<string, Float32Array> = {};
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const e of header.entries) {
    const arr = data.slice(e.offset, e.offset + e.length);
    const [kind, name] = [e.key.slice(0, 1), e.key.slice(2)];
    (kind === "p" ? params : kind === "m" ? m : v)[name] = arr;
  }
  return { snapshot: { params, optimizer: { step: header.optimizerStep, m, v } }, meta: header.meta as M };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
