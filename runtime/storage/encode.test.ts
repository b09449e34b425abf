import { describe, expect, it } from "vitest";
import { concatBatches, encodeRows, escapeTsv } from "./encode.js";

describe("encodeRows", () => {
  it("writes one TabSeparated line per row in column order", () => {
    const b = encodeRows("t", [
      { a: 1, s: "x", n: null },
      { a: 2.5, s: "y", n: 3 },
    ]);
    expect(b).toEqual({ table: "t", columns: ["a", "s", "n"], format: "TabSeparated", rows: 2, body: "1\tx\t\\N\n2.5\ty\t3\n" });
  });

  it("keeps values exact: shortest round-trip numbers, -0, NaN, infinities, bigint, booleans", () => {
    const b = encodeRows("t", [{ a: 0.1 + 0.2, b: -0, c: NaN, d: Infinity, e: -Infinity, f: 2n ** 64n, g: true, h: 5e-324 }]);
    expect(b.body).toBe("0.30000000000000004\t-0\tnan\tinf\t-inf\t18446744073709551616\t1\t5e-324\n");
  });

  it("escapes exactly the characters TabSeparated needs and passes the rest verbatim", () => {
    expect(escapeTsv("a\tb\nc\rd\\e\0f")).toBe("a\\tb\\nc\\rd\\\\e\\0f");
    expect(escapeTsv(`quote"'☃🚀`)).toBe(`quote"'☃🚀`);
    expect(escapeTsv("\\N")).toBe("\\\\N");
  });

  it("follows explicit columns and rejects missing columns, extra keys and objects", () => {
    expect(encodeRows("t", [{ b: 2, a: 1 }], ["a", "b"]).body).toBe("1\t2\n");
    expect(() => encodeRows("t", [{ a: 1 }], ["a", "b"])).toThrow(/row 0 for table t has no value in column 'b'/);
    expect(() => encodeRows("t", [{ a: 1 }, { a: 2, z: 3 }])).toThrow(/row 1 for table t has key 'z'/);
    expect(() => encodeRows("t", [{ a: { x: 1 } }])).toThrow(/StorageEncodeError|type object/);
    try {
      encodeRows("t", [{ a: [1] }]);
    } catch (e) {
      expect(e).toMatchObject({ _tag: "StorageEncodeError", table: "t", row: 0, column: "a", retryable: false });
    }
  });

  it("concatenates chunks of one table", () => {
    const x = encodeRows("t", [{ a: 1 }]);
    const y = encodeRows("t", [{ a: 2 }, { a: 3 }]);
    expect(concatBatches([x, y])).toMatchObject({ rows: 3, body: "1\n2\n3\n" });
  });
});
