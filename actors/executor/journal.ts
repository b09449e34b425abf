/**
 * The journal port the executor writes to before any transaction leaves: intent id, signature,
 * signed bytes and lastValidBlockHeight, durable before the first send (DESIGN.md principle 4).
 * The durable implementation lives in runtime/journal; tests use the in-memory one below.
 */
import { Effect } from "effect";
import type { Submission } from "../../chain/tx/submission.js";

export interface SubmissionJournal {
  /** Must be durable when the effect succeeds: the executor sends only after it. */
  readonly recordSigned: (submission: Submission) => Effect.Effect<void, unknown>;
  /** The latest submission journaled for an intent (after a restart the executor's memory is empty). */
  readonly latestFor: (intentId: string) => Effect.Effect<Submission | undefined, unknown>;
}

/** Adapts a promise-based store (better-sqlite3 wrapper, file log) to the port. */
export function journalFromPromises(j: {
  recordSigned(s: Submission): Promise<void>;
  latestFor(intentId: string): Promise<Submission | undefined>;
}): SubmissionJournal {
  return {
    recordSigned: (s) => Effect.tryPromise(() => j.recordSigned(s)),
    latestFor: (id) => Effect.tryPromise(() => j.latestFor(id)),
  };
}

/** Process memory only: tests and paper trading. `fail` makes the next writes fail. */
export class MemoryJournal implements SubmissionJournal {
  readonly entries: Submission[] = [];
  fail = false;

  readonly recordSigned = (s: Submission): Effect.Effect<void, unknown> =>
    Effect.suspend(() => {
      if (this.fail) return Effect.fail(new Error("journal unavailable"));
      this.entries.push(s);
      return Effect.void;
    });

  readonly latestFor = (intentId: string): Effect.Effect<Submission | undefined, unknown> =>
    Effect.sync(() => this.entries.findLast((s) => s.intentId === intentId));
}
