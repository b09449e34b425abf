/** Commander argument parsers shared by every command: a bad value is a usage error naming the flag. */
import { parseInterval } from "../io/interval.js";
import { CliError, ExitCode } from "./exit-codes.js";

type Parser<T> = (raw: string) => T;

const numeric = (name: string, ok: (n: number) => boolean, expected: string): Parser<number> => (raw) => {
  const n = Number(raw);
  if (raw.trim() === "" || !ok(n)) throw new CliError(`--${name} must be ${expected}, got "${raw}"`, ExitCode.usage);
  return n;
};

export const positiveInt = (name: string): Parser<number> => numeric(name, (n) => Number.isInteger(n) && n > 0, "a positive integer");
export const nonNegativeInt = (name: string): Parser<number> => numeric(name, (n) => Number.isInteger(n) && n >= 0, "an integer >= 0");
export const positiveNumber = (name: string): Parser<number> => numeric(name, (n) => Number.isFinite(n) && n > 0, "a positive number");
export const nonNegativeNumber = (name: string): Parser<number> => numeric(name, (n) => Number.isFinite(n) && n >= 0, "a number >= 0");

export const oneOf = <T extends string>(name: string, values: readonly T[]): Parser<T> => (raw) => {
  if (!(values as readonly string[]).includes(raw)) throw new CliError(`--${name} must be one of ${values.join(", ")}, got "${raw}"`, ExitCode.usage);
  return raw as T;
};

/** A bar interval as every command takes it: seconds (`300`) or with a unit (`5m`, `1h`, `1d`). */
export const interval = (name: string): Parser<number> => (raw) => {
  const s = parseInterval(raw);
  if (s === undefined) throw new CliError(`--${name} must be an interval such as 60, 5m or 1h, got "${raw}"`, ExitCode.usage);
  return s;
};
