import { describe, expect, it } from "vitest";
import { startProgress } from "./progress.js";

/** A non-terminal stream collecting what is written. */
function lines(): { stream: NodeJS.WriteStream; out: string[] } {
  const out: string[] = [];
  return { out, stream: { isTTY: false, write: (t: string) => (out.push(t), true) } as unknown as NodeJS.WriteStream };
}

describe("startProgress off a terminal", () => {
  it("prints the rounded percentage, one line per tenth of the work", () => {
    const { stream, out } = lines();
    const p = startProgress("training", 3, { stream });
    for (const done of [1, 2, 3]) p.update(done, "x");
    expect(out).toEqual(["training: 33% (1/3) x\n", "training: 67% (2/3) x\n", "training: 100% (3/3) x\n"]);
  });

  it("skips updates within the same tenth and says 100% only at the end", () => {
    const { stream, out } = lines();
    const p = startProgress("simulating", 1000, { stream });
    for (const done of [0, 50, 100, 995, 1000]) p.update(done);
    expect(out).toEqual(["simulating: 0% (0/1000) \n", "simulating: 10% (100/1000) \n", "simulating: 99% (995/1000) \n", "simulating: 100% (1000/1000) \n"]);
  });

  it("names the unit after the counts", () => {
    const { stream, out } = lines();
    startProgress("simulating", 1440, { stream, unit: "bars" }).update(144);
    expect(out).toEqual(["simulating: 10% (144/1440 bars) \n"]);
  });
});
