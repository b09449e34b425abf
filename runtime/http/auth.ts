/**
 * Bearer-token checks. Both sides are hashed before a constant-time compare, so neither the
 * content nor the length of the token leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The WebSocket subprotocol that carries the token: browsers cannot set headers on a WebSocket. */
export const WS_TOKEN_PROTOCOL_PREFIX = "alphagpt.bearer.";
/** The subprotocol the server answers with (never the token one: it would echo the secret). */
export const WS_PROTOCOL = "alphagpt.v1";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function tokenChecker(token: string): (candidate: string | undefined) => boolean {
  if (token.length < 16) throw new Error("the control token must be at least 16 characters");
  const expected = digest(token);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected);
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it is. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

/** The token of a WebSocket upgrade: `?token=` or the `alphagpt.bearer.<token>` subprotocol. */
export function wsToken(url: string | undefined, protocols: string | undefined): string | undefined {
  const fromProtocol = (protocols ?? "")
    .split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  if (fromProtocol) return fromProtocol.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
  const query = new URL(url ?? "/", "http://x").searchParams.get("token");
  return query ?? undefined;
}
