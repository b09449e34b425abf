/**
 * Which `clock.tick`s a position can skip. In a holding state (open, trailing, moonbag.running) a
 * tick before the position's deadline only moves `track.lastTs`; every exit from those states
 * stamps its own event's time, so nothing downstream reads the skipped time. Order states
 * (selling, retrying, resolving) always get their ticks: their retries are timed from `lastTs`.
 */
import type { SnapshotFrom } from "xstate";
import { timeExit } from "./position.logic.js";
import type { positionMachine } from "./position.machine.js";

/** Read off the state value (`matches` resolves state nodes: too slow for every tick of every position). */
function holding(value: unknown): boolean {
  return value === "open" || value === "trailing" || (typeof value === "object" && value !== null && (value as { moonbag?: unknown }).moonbag === "running");
}

export function idleClockTick(s: SnapshotFrom<typeof positionMachine>, ts: number): boolean {
  return s.status === "active" && holding(s.value) && timeExit(s.context, ts) === null;
}
