/**
 * writeRows: every row lands in order across several 1 MiB chunks, and a path that cannot be
 * written rejects with the path and the reason (a write stream there used to emit an 'error'
 * event no one listened to, which crashes the process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileWriteError } from "../../core/files.js";
import { account } from "../../streams/replay/test-rows.js";
import { writeRows } from "./jsonl.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (n: number) => Array.from({ length: n }, (_, i) => account(100 + i, i + 1));

describe("writeRows", () => {
  it("writes every row, in order, across several chunks", async () => {
    const path = join(dir, "many.jsonl");
    expect(await writeRows(path, rows(20_000))).toBe(20_000);
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.length).toBe(20_001);
    expect(lines[20_000]).toBe("");
    expect(lines.map((l) => (l === "" ? null : (JSON.parse(l) as { slot: number }).slot)).slice(0, -1)).toEqual(rows(20_000).map((r) => r.slot));
  });

  it("rejects a path in a missing folder with a FileWriteError naming it", async () => {
    const path = join(dir, "missing", "rows.jsonl");
    const failure = writeRows(path, rows(2));
    await expect(failure).rejects.toThrow(FileWriteError);
    await expect(failure).rejects.toThrow(`cannot write ${path}: no such file or directory`);
  });

  it("rejects a directory, and a path under a regular file, in either format", async () => {
    await expect(writeRows(dir, rows(2), "binary")).rejects.toThrow(`cannot write ${dir}: illegal operation on a directory`);
    const plain = join(dir, "plain");
    writeFileSync(plain, "x");
    await expect(writeRows(join(plain, "rows.jsonl"), rows(2))).rejects.toThrow(`cannot write ${join(plain, "rows.jsonl")}: not a directory`);
  });
});
