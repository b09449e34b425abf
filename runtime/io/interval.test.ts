import { describe, expect, it } from "vitest";
import { formatInterval, intervalFromFileName, modalSpacing, parseInterval } from "./interval.js";

describe("intervals", () => {
  it("parses unit suffixes and bare seconds", () => {
    expect(parseInterval("1h")).toBe(3600);
    expect(parseInterval("60s")).toBe(60);
    expect(parseInterval("15m")).toBe(900);
    expect(parseInterval("1d")).toBe(86_400);
    expect(parseInterval("3600")).toBe(3600);
    expect(parseInterval(300)).toBe(300);
    for (const bad of ["", "0", "0h", "1y", "h", "1.5h", "-1m"]) expect(parseInterval(bad)).toBeUndefined();
  });

  it("reads the interval from a file name, ignoring dates", () => {
    expect(intervalFromFileName("/data/ohlcv_1h.csv")).toBe(3600);
    expect(intervalFromFileName("ohlcv_12h.csv")).toBe(43_200);
    expect(intervalFromFileName("bars-5m-cbrl.csv")).toBe(300);
    expect(intervalFromFileName("ohlcv_data_2025_10_05.csv")).toBeUndefined();
  });

  it("prints the largest even unit", () => {
    expect([60, 300, 900, 3600, 14_400, 43_200, 86_400, 90].map(formatInterval)).toEqual(["1m", "5m", "15m", "1h", "4h", "12h", "1d", "90s"]);
  });

  it("infers the modal spacing across keys, despite gaps", () => {
    expect(modalSpacing([[0, 60, 120, 600], [1200, 1260]])).toBe(60);
    expect(modalSpacing([[5]])).toBeUndefined();
  });
});
