/**
 * The errors the control port may reject with, and the one table that maps them (and the HTTP
 * layer's own failures) to status codes and `{error:{code,message}}` bodies.
 */
import { Data } from "effect";

/** An unknown position id, or no active strategy. */
export class ControlNotFoundError extends Data.TaggedError("ControlNotFoundError")<{
  readonly message: string;
}> {}

/** The request is valid but not now: exit of a closed position, resume while degraded. */
export class ControlConflictError extends Data.TaggedError("ControlConflictError")<{
  readonly message: string;
}> {}

/** The daemon cannot answer yet (starting, a component down). */
export class ControlUnavailableError extends Data.TaggedError("ControlUnavailableError")<{
  readonly message: string;
}> {}

export type ControlError = ControlNotFoundError | ControlConflictError | ControlUnavailableError;

/** Malformed params, query or body: the message says which field and why. */
export class BadRequestError extends Data.TaggedError("BadRequestError")<{
  readonly message: string;
}> {}

export interface HttpError {
  readonly status: number;
  readonly body: { readonly error: { readonly code: string; readonly message: string } };
}

const byTag: Readonly<Record<string, readonly [status: number, code: string]>> = {
  BadRequestError: [400, "bad_request"],
  ControlNotFoundError: [404, "not_found"],
  ControlConflictError: [409, "conflict"],
  ControlUnavailableError: [503, "unavailable"],
};

export const httpError = (status: number, code: string, message: string): HttpError => ({
  status,
  body: { error: { code, message } },
});

/**
 * Tagged errors keep their message; Fastify's and @fastify/static's own client errors (bad JSON,
 * empty JSON body, too large, wrong content type, a path outside the UI folder) keep theirs;
 * anything else is a bug: 500 with no details.
 */
export function toHttpError(e: unknown): HttpError {
  if (typeof e === "object" && e !== null) {
    const tag = (e as { _tag?: unknown })._tag;
    const mapped = typeof tag === "string" ? byTag[tag] : undefined;
    if (mapped) return httpError(mapped[0], mapped[1], String((e as { message?: unknown }).message ?? ""));
    const status = (e as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return httpError(status, clientCode(status), String((e as { message?: unknown }).message ?? ""));
    }
  }
  return httpError(500, "internal", "internal error (see the daemon log)");
}

function clientCode(status: number): string {
  if (status === 413) return "payload_too_large";
  if (status === 415) return "unsupported_media_type";
  if (status === 404) return "not_found";
  if (status === 403) return "forbidden";
  return "bad_request";
}
