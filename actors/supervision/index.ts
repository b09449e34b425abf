/** Restart policy: named Effect Schedules and the pure decision the supervisor machine uses. */
export { ChildCrashError, cappedBackoff, jitteredWith, restartBackoff, restartSchedule } from "./schedules.js";
export type { OnRestart } from "./schedules.js";
export {
  DEFAULT_RESTART_POLICY, backoffDelay, inWindow, jitterMs, jitterUnit, nominalDelay, restartDecision,
} from "../../machines/supervisor.restart.js";
export type { RestartDecision, RestartPolicy } from "../../machines/supervisor.restart.js";
