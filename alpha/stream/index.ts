/** Streaming evaluation: a formula's value per token advanced bar by bar, equal to the batch engine's. */
export { SignalStream } from "./signal-stream.js";
export type { SignalSpec } from "./signal-stream.js";
