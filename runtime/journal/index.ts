export { Journal, type JournalOptions } from "./journal.js";
export { JournalMirror, type MirrorOptions, type MirrorWriter, type MirrorWriters } from "./mirror.js";
export type { ClosedPosition, PositionJournal } from "./positions.js";
export type { OrderJournal } from "./orders.js";
export type { MirrorTable, Outbox, OutboxRow } from "./outbox.js";
export * from "./types.js";
export { submissionJournal, toSubmission } from "./executor-port.js";
