import { describe, expect, it } from "vitest";
import { classifyError, StorageQueryError, StorageUnavailableError } from "./errors.js";

const ctx = { operation: "insert", target: "http://ch:8123", what: "bars" } as const;

/** What @clickhouse/client and chdb's connection throw for a server-side error. */
function clickhouseError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code: String(code), type: "X" });
}

describe("classifyError", () => {
  it("maps socket errnos, also wrapped in causes, to retryable StorageUnavailableError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8123"), { code: "ECONNREFUSED" });
    const wrapped = new Error("Query: HTTP request error.", { cause: refused });
    for (const e of [refused, wrapped]) {
      const c = classifyError(e, ctx);
      expect(c._tag).toBe("StorageUnavailableError");
      expect(c.retryable).toBe(true);
      expect((c as StorageUnavailableError).reason).toBe("ECONNREFUSED");
      expect(c.message).toContain("insert bars on http://ch:8123");
    }
  });

  it("maps timeouts and overload codes to retryable", () => {
    expect(classifyError(new Error("Timeout error."), ctx)._tag).toBe("StorageUnavailableError");
    for (const code of [159, 209, 210, 241, 252, 319]) {
      const c = classifyError(clickhouseError(code, `Code: ${code}. DB::Exception: x`), ctx);
      expect([c._tag, c.retryable]).toEqual(["StorageUnavailableError", true]);
    }
  });

  it("maps syntax, unknown table, type and parse errors to non-retryable StorageQueryError with a kind", () => {
    const cases: Array<[number, string]> = [
      [62, "syntax"],
      [60, "unknown-table"],
      [47, "unknown-column"],
      [53, "type"],
      [27, "bad-data"],
      [1234, "other"],
    ];
    for (const [code, kind] of cases) {
      const c = classifyError(clickhouseError(code, "boom"), ctx) as StorageQueryError;
      expect([c._tag, c.retryable, c.kind, c.code]).toEqual(["StorageQueryError", false, kind, code]);
    }
  });

  it("reads the code from the message when the driver gives no property", () => {
    const c = classifyError(new Error("Code: 62. DB::Exception: Syntax error"), ctx);
    expect(c._tag).toBe("StorageQueryError");
  });

  it("maps credentials errors to StorageAuthError and closed connections to StorageClosedError", () => {
    expect(classifyError(clickhouseError(516, "Authentication failed"), ctx)._tag).toBe("StorageAuthError");
    expect(classifyError(new Error("ChdbConnection is closed"), ctx)._tag).toBe("StorageClosedError");
  });

  it("passes classified errors through and treats unknown failures as retryable", () => {
    const q = new StorageQueryError({ message: "m", operation: "exec", target: "t", kind: "syntax", code: 62, retryable: false });
    expect(classifyError(q, ctx)).toBe(q);
    expect(classifyError("weird", ctx)).toMatchObject({ _tag: "StorageUnavailableError", reason: "unknown" });
  });
});
