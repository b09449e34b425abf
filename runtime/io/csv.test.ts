import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, splitCsvLine, textLines } from "./csv.js";

describe("csv", () => {
  it("splits plain and quoted fields", () => {
    expect(splitCsvLine("a,b,,c")).toEqual(["a", "b", "", "c"]);
    expect(splitCsvLine('1,"CBRL / SOL","say ""hi"", ok",')).toEqual(["1", "CBRL / SOL", 'say "hi", ok', ""]);
    expect(splitCsvLine('"a",')).toEqual(["a", ""]);
  });

  it("refuses broken quoting with a reason", () => {
    expect(splitCsvLine('1,"open')).toMatch(/unterminated/);
    expect(splitCsvLine('1,"a"b')).toMatch(/after closing quote/);
    expect(splitCsvLine('1,a"b')).toMatch(/stray quote/);
  });

  it("escapes any field so it splits back to itself", () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 6 }), (fields) => {
        expect(splitCsvLine(fields.map(csvField).join(","))).toEqual(fields);
      }),
      { seed: 20251005 },
    );
  });

  it("splits text into lines without a phantom last line", () => {
    expect(textLines("\uFEFFa\r\nb\n")).toEqual(["a", "b"]);
  });
});
