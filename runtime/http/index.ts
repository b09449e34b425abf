/** The control API and web UI, as runtime/ wires them. Test doubles live in `./testing.js`. */
export type * from "./control-port.js";
export { BadRequestError, ControlConflictError, ControlNotFoundError, ControlUnavailableError, type ControlError } from "./errors.js";
export { unrealisedPnl, type Pnl, type PnlInput } from "./pnl.js";
export { buildControlApp, startControlServer, type ControlApp, type ControlServer, type ControlServerOptions } from "./server.js";
export { statechartOf, type Statechart, type StatechartEdge, type StatechartNode } from "./statechart.js";
export { watchStopFile, withStopFile, type StopFileOutcome, type StopFileWatcher } from "./stop-file.js";
