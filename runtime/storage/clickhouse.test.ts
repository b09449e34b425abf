import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { openStorage } from "./clickhouse.js";
import type { Storage } from "./storage.js";

// One embedded engine per test file (chdb binds one data directory per process; forks pool).
const dir = mkdtempSync(join(tmpdir(), "alphagpt-storage-ch-"));
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Doubles from random bit patterns: every exponent, subnormals, NaN payloads, infinities. */
function randomDoubles(n: number, seed: number): number[] {
  const rng = seededRng(seed);
  const words = new Uint32Array(2);
  const view = new Float64Array(words.buffer);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    words[0] = Math.floor(rng.next() * 2 ** 32);
    words[1] = Math.floor(rng.next() * 2 ** 32);
    out.push(view[0] as number);
  }
  return out.concat([0.1, 1 / 3, -0, 5e-324, -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 1e21, 9007199254740993]);
}

const STRINGS = ["tab\there", "nl\nx", "cr\r", "back\\slash", "\\N", "", "nul\0", 'quote"\'', "☃ 𝄞 🚀", "ctrl\u0001\u001f", "a\\tb"];

describe("openStorage (embedded)", () => {
  it("answers queries with bound parameters and names its target", async () => {
    expect(storage.target).toBe(`embedded:${join(dir, "ch")}`);
    expect(await storage.query<{ x: number }>("SELECT {a:UInt32} * 2 AS x", { a: 21 })).toEqual([{ x: 42 }]);
  });

  it("round-trips Float64 and String exactly through insert", async () => {
    await storage.exec("CREATE TABLE exact (id UInt32, x Float64, n Nullable(Float64), s String) ENGINE = MergeTree ORDER BY id");
    const xs = randomDoubles(20_000, 11);
    const rows = xs.map((x, id) => ({ id, x, n: id % 3 === 0 ? null : x, s: STRINGS[id % STRINGS.length] as string }));
    await storage.insert("exact", rows);
    // Bit patterns compared in SQL: JSON cannot carry NaN payloads or infinities.
    const back = await storage.query<{ id: number; bits: string; nbits: string | null; s: string }>(
      "SELECT id, toString(reinterpretAsUInt64(x)) AS bits, if(isNull(n), NULL, toString(reinterpretAsUInt64(assumeNotNull(n)))) AS nbits, s FROM exact ORDER BY id",
    );
    expect(back).toHaveLength(rows.length);
    const bits = (v: number): string => {
      const f = new Float64Array([v]);
      return new BigUint64Array(f.buffer)[0]!.toString();
    };
    let mismatches = 0;
    for (const r of back) {
      const o = rows[r.id]!;
      // NaN: any NaN is fine (payloads are not a value); everything else bit-exact, -0 included.
      const same = (b: string | null, v: number | null): boolean =>
        v === null ? b === null : Number.isNaN(v) ? b !== null && (BigInt(b) & 0x7ff0000000000000n) === 0x7ff0000000000000n : b === bits(v);
      if (!same(r.bits, o.x) || !same(r.nbits, o.n) || r.s !== o.s) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("classifies real engine errors and names what failed", async () => {
    await expect(storage.exec("SELEC 1")).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "syntax", retryable: false });
    await expect(storage.query("SELECT * FROM no_such_table")).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "unknown-table" });
    const bad = storage.insert("exact", [{ id: 1, x: "not a number", n: null, s: "" }]);
    await expect(bad).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "bad-data", operation: "insert" });
    await expect(bad).rejects.toThrow(/insert exact on embedded:/);
    await expect(storage.insert("exact", [{ id: 1 }, { id: 2, extra: 1 }])).rejects.toMatchObject({ _tag: "StorageEncodeError" });
    // A name chdb's raw insert cannot put in SQL is the caller's bug, not an outage to spool through.
    await expect(storage.insert("exact", [{ "id; DROP": 1 }])).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "syntax", retryable: false });
  });

  it("refuses a second data directory in the same process", async () => {
    await expect(openStorage({ kind: "embedded", dataDir: join(dir, "other") })).rejects.toMatchObject({ _tag: "StorageConfigError", retryable: false });
  });
});

describe("openStorage (server)", () => {
  it("fails to open with a retryable StorageUnavailableError when nothing listens, hiding credentials", async () => {
    const err = await openStorage({ kind: "server", url: "http://alice:secret@127.0.0.1:1", requestTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ _tag: "StorageUnavailableError", retryable: true, reason: "ECONNREFUSED", operation: "open", target: "http://127.0.0.1:1" });
    expect(String((err as Error).message)).not.toContain("secret");
  });
});

/** A loopback stand-in for ClickHouse's HTTP interface: enough to exercise the server path. */
async function fakeServer(): Promise<{ url: string; inserts: Array<{ query: string; settings: string; body: string }>; close(): Promise<void> }> {
  const inserts: Array<{ query: string; settings: string; body: string }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const params = new URL(req.url ?? "/", "http://x").searchParams;
      const query = params.get("query") ?? body;
      if (query.startsWith("INSERT")) {
        inserts.push({ query, settings: params.get("precise_float_parsing") ?? "", body });
        res.end();
      } else if (query.includes("SELECT 1 AS ok")) {
        res.end('{"ok":1}\n');
      } else if (query.includes("slow")) {
        // never answers: the client's request timeout must fire
      } else {
        res.writeHead(500, { "X-ClickHouse-Exception-Code": "62" });
        res.end("Code: 62. DB::Exception: Syntax error: failed at position 1. (SYNTAX_ERROR) (version 25.1.1)\n");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inserts,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe("openStorage (server, loopback fake)", () => {
  it("opens, sends TabSeparated inserts with precise float parsing, and classifies server errors and timeouts", async () => {
    const fake = await fakeServer();
    const s = await openStorage({ kind: "server", url: fake.url, username: "", requestTimeoutMs: 300 });
    try {
      await s.insert("bars", [{ a: 0.1, s: "x\ty" }]);
      expect(fake.inserts).toEqual([{ query: expect.stringMatching(/^INSERT INTO bars \(a, s\) FORMAT TabSeparated/), settings: "1", body: "0.1\tx\\ty\n" }]);
      await expect(s.exec("SELEC boom")).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "syntax", code: 62 });
      await expect(s.query("SELECT slow")).rejects.toMatchObject({ _tag: "StorageUnavailableError", retryable: true, reason: "timeout" });
    } finally {
      await s.close();
      await fake.close();
    }
  });
});

