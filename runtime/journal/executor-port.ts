/**
 * The executor's journal port (actors/executor/journal.ts) on the durable journal: `recordSigned`
 * resolves after the SQLite commit is fsync'd, so the executor sends only what a restart can
 * find; `latestFor` gives a restarted executor the submission to resolve instead of signing anew.
 */
import { journalFromPromises, type SubmissionJournal } from "../../actors/executor/journal.js";
import type { Submission } from "../../chain/tx/submission.js";
import type { Journal } from "./journal.js";
import type { SignatureView } from "./types.js";

export const toSubmission = (s: SignatureView): Submission => ({
  intentId: s.intentId, side: s.side, mint: s.mint, signature: s.signature, signedBytes: s.signedBytes,
  blockhash: s.blockhash, lastValidBlockHeight: s.lastValidBlockHeight,
});

export function submissionJournal(journal: Journal): SubmissionJournal {
  return journalFromPromises({
    recordSigned: (s) => journal.recordSigned(s),
    latestFor: (intentId) => {
      const s = journal.orders.latestSignature(intentId);
      return Promise.resolve(s === undefined ? undefined : toSubmission(s));
    },
  });
}
