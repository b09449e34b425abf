export { PositionBook, type OpenRequest, type OpenResult, type PositionBookOptions, type TimerClock } from "./book.js";
export type { RecoveryReport } from "./recovery.js";
export type { Adjustment } from "./reconcile.js";
export { runEffect, type EffectRunner } from "./trading-actors.js";
export type { PositionDetail, PositionView } from "./views.js";
