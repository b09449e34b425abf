/**
 * The restart policy's pure core: capped exponential backoff with jitter and a restart budget
 * per sliding window. It lives beside the machine because machines import nothing but xstate
 * and config types; `actors/supervision` re-exports it and builds the Effect Schedules on the
 * same `backoffDelay`, so the machine and Effect code agree delay for delay.
 */

export interface RestartPolicy {
  /** Delay before the first restart in a window. */
  readonly baseMs: number;
  /** Growth of the delay per restart already made in the window. */
  readonly factor: number;
  /** Cap on any one delay (before jitter). */
  readonly maxDelayMs: number;
  /** Each delay is scaled by a factor in [1 - jitter, 1 + jitter): restarts of many children spread out. */
  readonly jitter: number;
  /** Restarts allowed within `windowMs`; one more failure in the window marks the child degraded. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

/** 1, 2, 4, 8, 16 s (±20%); a sixth failure within 10 minutes degrades the child. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseMs: 1_000,
  factor: 2,
  maxDelayMs: 60_000,
  jitter: 0.2,
  maxRestarts: 5,
  windowMs: 10 * 60_000,
};

/** Delay before restart number `attempt` (0-based) without jitter: min(base * factor^attempt, max). */
export function nominalDelay(p: RestartPolicy, attempt: number): number {
  return Math.min(p.baseMs * Math.pow(p.factor, attempt), p.maxDelayMs);
}

/** `nominalDelay` scaled by 1 - jitter + 2 * jitter * u, u uniform in [0, 1), in whole ms. */
export function backoffDelay(p: RestartPolicy, attempt: number, u: number): number {
  return jitterMs(nominalDelay(p, attempt), p.jitter, u);
}

/** Whole milliseconds: timers take no less, and Effect's Duration would round to ns anyway. */
export const jitterMs = (ms: number, jitter: number, u: number): number => Math.round(ms * (1 - jitter + 2 * jitter * u));

export type RestartDecision =
  | { readonly kind: "restart"; readonly attempt: number; readonly delayMs: number; readonly restartsInWindow: number }
  | { readonly kind: "degrade"; readonly restartsInWindow: number };

/** Restart times still inside the window ending at `now` (oldest first): all the budget needs. */
export function inWindow(history: readonly number[], now: number, p: RestartPolicy): number[] {
  return history.filter((t) => t > now - p.windowMs && t <= now);
}

/**
 * What to do about a child that just failed at `now`, given the times of its earlier restarts:
 * restart after a backoff that grows with the restarts already made in the window, or give up
 * (degrade) once the window's budget is spent. `u` is the jitter draw (0.5: none).
 */
export function restartDecision(history: readonly number[], now: number, p: RestartPolicy, u = 0.5): RestartDecision {
  const recent = inWindow(history, now, p).length;
  if (recent >= p.maxRestarts) return { kind: "degrade", restartsInWindow: recent };
  return { kind: "restart", attempt: recent, delayMs: backoffDelay(p, recent, u), restartsInWindow: recent };
}

/**
 * A uniform draw in [0, 1) from a seed and a key (FNV-1a, then a splitmix32 finaliser): the
 * machine's jitter without a random source, so a replay with the same seed restarts at the
 * same times.
 */
export function jitterUnit(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  h = (h + 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
