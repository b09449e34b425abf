import { describe, expect, it } from "vitest";
import { ExitCode } from "./exit-codes.js";
import { interval } from "./options.js";

describe("option parsers", () => {
  it("takes intervals in seconds or with a unit, and names the flag when it cannot", () => {
    const p = interval("interval");
    expect([p("300"), p("5m"), p("1h"), p("1d")]).toEqual([300, 300, 3_600, 86_400]);
    expect(() => p("5x")).toThrow(expect.objectContaining({ message: '--interval must be an interval such as 60, 5m or 1h, got "5x"', exitCode: ExitCode.usage }));
  });
});
