/**
 * SubscribeRequest decoding that keeps empty filters. The napi client (prost) writes a map entry
 * whose value is an empty message as the key alone (`accounts: {a: {}}` → `0a 03 0a 01 61`), and
 * the ts-proto codec drops map entries without a value. A subscriber asking for "all slots" with
 * `slots: {s: {}}` would get nothing, so the keys are recovered from the raw bytes.
 */
import { SubscribeRequest } from "../../streams/geyser/wire.js";

/** Field numbers of SubscribeRequest's filter maps. */
const MAP_FIELDS = { 1: "accounts", 2: "slots", 3: "transactions", 10: "transactionsStatus", 4: "blocks", 5: "blocksMeta", 8: "entry" } as const;
type MapName = (typeof MAP_FIELDS)[keyof typeof MAP_FIELDS];

function varint(b: Uint8Array, pos: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (let i = pos; i < b.length && shift < 64; i++) {
    const byte = b[i] ?? 0;
    v += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [v, i + 1];
    shift += 7;
  }
  throw new RangeError("truncated varint");
}

/** Keys of every filter-map entry, valued or not. */
function mapKeys(b: Uint8Array): { field: MapName; key: string }[] {
  const out: { field: MapName; key: string }[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [tag, p1] = varint(b, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) [, pos] = varint(b, p1);
    else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = varint(b, p1);
      const name = (MAP_FIELDS as Record<number, MapName>)[field];
      if (name !== undefined) {
        // The entry: field 1 = key (string), field 2 = value (message).
        const entry = b.subarray(p2, p2 + len);
        const [etag, e1] = entry.length > 0 ? varint(entry, 0) : [0, 0];
        if (etag === 10) {
          const [klen, e2] = varint(entry, e1);
          out.push({ field: name, key: Buffer.from(entry.subarray(e2, e2 + klen)).toString("utf8") });
        }
      }
      pos = p2 + len;
    } else throw new RangeError(`unsupported wire type ${wire}`);
  }
  return out;
}

export function decodeSubscribeRequest(bytes: Uint8Array): SubscribeRequest {
  const req = SubscribeRequest.decode(bytes);
  for (const { field, key } of mapKeys(bytes)) {
    const map = req[field] as Record<string, unknown>;
    if (map[key] === undefined) map[key] = {};
  }
  // Fill defaults (empty arrays) for the recovered entries.
  return SubscribeRequest.fromPartial(req);
}
