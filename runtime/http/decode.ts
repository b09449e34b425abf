/**
 * Request decoding at the edge (STYLE 8): params, query and body each go through an Effect
 * Schema; a failure is a BadRequestError naming the field and what was expected.
 */
import { Result, Schema, SchemaIssue } from "effect";
import { BadRequestError } from "./errors.js";

/** Position ids as the journal writes them: short, printable, no path or query characters. */
export const PositionId = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_.:-]{1,128}$/, { expected: "a position id (1-128 of A-Z a-z 0-9 _ . : -)" }),
);

const Flag = Schema.Literals(["true", "false", "1", "0"]);
const Reason = Schema.String.check(Schema.isMaxLength(200));

/** For a part a route does not take: an object with no keys (`Struct({})` would accept anything). */
export const NoFields = Schema.Record(Schema.String, Schema.Never);
export const IdParams = Schema.Struct({ id: PositionId });
export const StopQuery = Schema.Struct({ flatten: Schema.optionalKey(Flag) });
export const StopBody = Schema.Struct({ reason: Schema.optionalKey(Reason) });
export const TradesQuery = Schema.Struct({
  limit: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^([1-9][0-9]{0,2}|1000)$/, { expected: "an integer from 1 to 1000" })),
  ),
});

export type Part = "params" | "query" | "body";

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1();

/** Build once per schema; excess fields are errors, so a typo never passes silently. */
export function decoder<S extends Schema.ConstraintDecoder<unknown>>(schema: S, part: Part) {
  const decode = Schema.decodeUnknownResult(schema, { errors: "all", onExcessProperty: "error" });
  return (input: unknown): S["Type"] => {
    // An absent body is an empty one: POSTs without a body are the common case.
    const result = decode(input === undefined || input === null ? {} : input);
    if (Result.isSuccess(result)) return result.success;
    const reasons = formatIssues(result.failure.issue).issues.map((i) => {
      const path = (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p));
      // NoFields' issue reads "Expected never"; say it the way Struct does.
      const message = i.message === "Expected never" ? "Expected no excess property" : i.message;
      return `${[part, ...path].join(".")}: ${message}`;
    });
    throw new BadRequestError({ message: reasons.join("; ") });
  };
}

export const isFlagSet = (flag: string | undefined): boolean => flag === "true" || flag === "1";
