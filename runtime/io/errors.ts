/** Errors of the CSV importers: a rejected file carries every kept issue, located. */

/** One problem in a file: 1-based physical line (the header is line 1), column name, reason. */
export interface CsvIssue {
  readonly line: number;
  /** A column name, or `(row)` when the problem is the row's shape. */
  readonly column: string;
  readonly reason: string;
}

/** Rejects a bad file: every kept issue with its line, column and reason; nothing was written. */
export class CsvImportError extends Error {
  readonly _tag = "CsvImportError";
  constructor(
    readonly file: string,
    readonly issues: readonly CsvIssue[],
    /** All issues found; `issues` keeps the first ones only. */
    readonly issueCount: number,
  ) {
    const more = issueCount > issues.length ? `\n  ... and ${issueCount - issues.length} more` : "";
    const lines = issues.map((i) => `\n  line ${i.line}, column ${i.column}: ${i.reason}`).join("");
    super(`${file}: rejected with ${issueCount} problem${issueCount === 1 ? "" : "s"}; nothing written${lines}${more}`);
    this.name = "CsvImportError";
  }
}
