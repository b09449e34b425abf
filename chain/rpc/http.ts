/**
 * One HTTP exchange as data (status, Retry-After, body text) over Node's fetch, with a timeout
 * that aborts the request. Shared by the RPC and Jupiter clients; each classifies the reply in its
 * own errors.ts.
 */
import { Data, Effect } from "effect";

export interface HttpRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface HttpReply {
  readonly status: number;
  /** From a `Retry-After: <seconds>` header; HTTP-date forms are ignored (no wall clock here). */
  readonly retryAfterMs: number | undefined;
  readonly text: string;
}

/** The exchange did not complete: no status to classify. Always worth retrying. */
export class HttpTransportError extends Data.TaggedError("HttpTransportError")<{
  readonly kind: "timeout" | "network";
  readonly message: string;
}> {}

export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

export const httpExchange = (req: HttpRequest): Effect.Effect<HttpReply, HttpTransportError> =>
  Effect.tryPromise({
    try: async (signal) => {
      const res = await fetch(req.url, {
        method: req.method,
        headers: { accept: "application/json", ...(req.body === undefined ? {} : { "content-type": "application/json" }), ...req.headers },
        ...(req.body === undefined ? {} : { body: req.body }),
        signal,
      });
      const text = await res.text();
      return { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get("retry-after")), text };
    },
    catch: (e) => new HttpTransportError({ kind: "network", message: e instanceof Error ? `${e.message}${causeCode(e)}` : String(e) }),
  }).pipe(
    Effect.timeoutOrElse({
      duration: req.timeoutMs,
      orElse: () => Effect.fail(new HttpTransportError({ kind: "timeout", message: `no answer within ${req.timeoutMs} ms` })),
    }),
  );

function causeCode(e: Error): string {
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? ` (${code})` : "";
}
