/** The Jupiter adapter's options: the app config's `jupiter` slice plus transport settings. */
import type { Rng } from "../../core/random.js";
import type { BackoffPolicy, OnRetry } from "../rpc/retry.js";
import type { JupiterError } from "./errors.js";
import { JUPITER_BACKOFF } from "./retry.js";

export interface JupiterConfig {
  /** e.g. https://api.jup.ag/swap/v1 (no trailing slash needed). */
  readonly baseUrl: string;
  /** Sent as `x-api-key` when non-empty. */
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly rng: Rng;
  readonly onRetry?: OnRetry<JupiterError>;
}

export const DEFAULT_JUPITER_TIMEOUT_MS = 5_000;

export function jupiterConfig(slice: { readonly baseUrl: string; readonly apiKey: string }, rng: Rng, overrides: Partial<JupiterConfig> = {}): JupiterConfig {
  return { baseUrl: slice.baseUrl, apiKey: slice.apiKey, timeoutMs: DEFAULT_JUPITER_TIMEOUT_MS, backoff: JUPITER_BACKOFF, rng, ...overrides };
}
