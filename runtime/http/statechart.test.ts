/**
 * The drawing data comes from the position machine itself: every state the machine journals
 * through `recordTransition` is a node, and the main paths are edges.
 */
import { describe, expect, it } from "vitest";
import { positionMachine } from "../../machines/position.machine.js";
import { statechartOf, type StatechartNode } from "./statechart.js";

const chart = statechartOf(positionMachine);
const ids = (n: StatechartNode): string[] => [n.id, ...n.children.flatMap(ids)];
const has = (source: string, target: string) => chart.edges.find((e) => e.source === source && e.target === target);

describe("statechartOf(positionMachine)", () => {
  it("has every journaled state, by the path recordTransition writes", () => {
    const all = ids(chart.root);
    for (const s of ["entering", "unknown", "open", "trailing", "tp1", "tp1.backoff", "moonbag.recovering", "moonbag.running", "exiting", "exiting.stalled", "closed", "failed"]) {
      expect(all, s).toContain(s);
    }
    expect(chart.machineId).toBe("position");
    expect(chart.root.initial).toBe("entering");
  });

  it("has the trading paths as edges, with their events and guards", () => {
    expect(has("open", "tp1")).toMatchObject({ events: ["price.tick"], guards: ["tick:tp1"] });
    expect(has("open", "exiting")?.events).toEqual(expect.arrayContaining(["price.tick", "score.update", "user.exit", "after untilDeadline"]));
    expect(has("route", "trailing")).toMatchObject({ events: ["always"], guards: ["armed"] });
    expect(has("entering", "failed")?.events).toEqual(["done: buy", "error: buy"]);
    expect(has("exiting.settle", "closed")).toBeDefined();
  });

  it("keeps one edge per pair of states, without self-loops, and only between known states", () => {
    const all = new Set(ids(chart.root));
    const pairs = chart.edges.map((e) => `${e.source}|${e.target}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const e of chart.edges) {
      expect(e.source).not.toBe(e.target);
      expect(all.has(e.source) && all.has(e.target)).toBe(true);
    }
  });
});
