/** Process exit codes of the `alphagpt` CLI (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** The command failed at run time (storage unreachable, I/O error, ...). */
  failure: 1,
  /** Bad usage or an invalid configuration. */
  usage: 2,
  /** Input data was rejected (malformed CSV, invalid formula, ...); nothing was written. */
  badInput: 3,
  /** Interrupted by SIGINT/SIGTERM before finishing. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that carries its exit code and a message for the user (no stack trace printed). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "CliError";
  }
}
