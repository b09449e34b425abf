/**
 * Simulated time: steps of `barIntervalS`, slots of 400 ms, unix milliseconds from the start
 * given in the options. No wall clock anywhere.
 */
import { SLOT_MS } from "./constants.js";

export class Timeline {
  readonly startMs: number;
  readonly startSlot: number;
  readonly stepMs: number;
  readonly steps: number;

  constructor(startTs: number, startSlot: number, stepS: number, steps: number) {
    this.startMs = startTs * 1000;
    this.startSlot = startSlot;
    this.stepMs = stepS * 1000;
    this.steps = steps;
  }

  get endMs(): number {
    return this.startMs + this.steps * this.stepMs;
  }

  /** First slot whose time falls in step `k`. */
  firstSlot(k: number): number {
    return this.startSlot + Math.ceil((k * this.stepMs) / SLOT_MS);
  }

  /** Number of slots whose time falls in step `k` (at least 1 for steps >= 400 ms). */
  slotCount(k: number): number {
    return Math.max(1, this.firstSlot(k + 1) - this.firstSlot(k));
  }

  /** The slot at fraction `t` in [0, 1) of step `k`. */
  slotAt(k: number, t: number): number {
    return this.firstSlot(k) + Math.min(Math.floor(t * this.slotCount(k)), this.slotCount(k) - 1);
  }

  slotMs(slot: number): number {
    return this.startMs + (slot - this.startSlot) * SLOT_MS;
  }

  stepStartMs(k: number): number {
    return this.startMs + k * this.stepMs;
  }
}
