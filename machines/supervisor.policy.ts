/**
 * The supervisor's numbers: which child may be restarted and which one holds entries, the
 * restart budget, and the retraining period from config.
 */
import type { AppConfig } from "../config/index.js";
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from "./supervisor.restart.js";
import type { ChildName, ChildSpec, SupervisorPolicy } from "./supervisor.types.js";

const spec = (restart: boolean, blocksEntries: boolean, heartbeatTimeoutMs = 30_000): ChildSpec =>
  ({ restart, blocksEntries, heartbeatTimeoutMs });

/**
 * Without data, scores or an executor no entry is safe, so those hold entries while down. The
 * trainer only retrains: the active formula keeps trading without it. Positions are never
 * restarted by anyone (each is its own journaled actor); their host going quiet holds entries
 * until it heartbeats again.
 */
export const DEFAULT_CHILDREN: Readonly<Record<ChildName, ChildSpec>> = {
  ingest: spec(true, true),
  scorer: spec(true, true),
  trainer: spec(true, false, 120_000),
  executor: spec(true, true),
  positions: spec(false, true),
};

export const DEFAULT_SUPERVISOR_POLICY: SupervisorPolicy = {
  restart: DEFAULT_RESTART_POLICY,
  children: DEFAULT_CHILDREN,
  retrainIntervalMs: 6 * 3_600_000,
  reconcileRetry: { baseMs: 1_000, maxDelayMs: 30_000 },
  shutdownGraceMs: 15_000,
  promotionMargin: 0,
};

export interface PolicyOverrides {
  readonly restart?: Partial<RestartPolicy>;
  readonly children?: Partial<Record<ChildName, Partial<ChildSpec>>>;
  readonly retrainIntervalMs?: number;
  readonly reconcileRetry?: SupervisorPolicy["reconcileRetry"];
  readonly shutdownGraceMs?: number;
  readonly promotionMargin?: number;
}

export function supervisorPolicy(o: PolicyOverrides = {}): SupervisorPolicy {
  const d = DEFAULT_SUPERVISOR_POLICY;
  const children = Object.fromEntries(
    Object.entries(d.children).map(([name, s]) => [name, { ...s, ...o.children?.[name as ChildName] }]),
  ) as Record<ChildName, ChildSpec>;
  return {
    restart: { ...d.restart, ...o.restart },
    children,
    retrainIntervalMs: o.retrainIntervalMs ?? d.retrainIntervalMs,
    reconcileRetry: o.reconcileRetry ?? d.reconcileRetry,
    shutdownGraceMs: o.shutdownGraceMs ?? d.shutdownGraceMs,
    promotionMargin: o.promotionMargin ?? d.promotionMargin,
  };
}

/** The policy for a loaded config: only the retraining period is configured today. */
export function policyFromConfig(config: Pick<AppConfig, "training">, o: PolicyOverrides = {}): SupervisorPolicy {
  return supervisorPolicy({ retrainIntervalMs: config.training.retrainIntervalS * 1_000, ...o });
}
