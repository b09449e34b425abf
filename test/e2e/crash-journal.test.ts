/**
 * The journal under SIGKILL: every record whose write returned before the kill is there after
 * reopening, signed bytes intact; the file opens cleanly whatever the kill interrupted.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { Journal } from "../../runtime/journal/journal.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-crash-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("crash: journal", () => {
  it("keeps every acknowledged write across a SIGKILL", async () => {
    const path = join(dir, "journal.sqlite");
    const child = spawn(process.execPath, ["--import", "tsx", join("test", "e2e", "crash-journal-child.ts")], {
      env: { ...process.env, CRASH_JOURNAL: path }, stdio: ["ignore", "pipe", "inherit"],
    });
    let acked = 0;
    const exited = new Promise((r) => child.on("exit", r));
    await new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on("line", (l) => {
        acked = Number(l);
        if (acked === 300) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await exited;

    const j = Journal.open(path);
    for (let n = 1; n <= acked; n++) {
      const sig = j.orders.signatures(`p${n}:1`);
      expect(sig.map((s) => [s.signature, s.signedBytes.length, s.signedBytes[0]])).toEqual([[`S${n}`, 256, n % 256]]);
    }
    expect(j.orders.pendingSignatures().length).toBeGreaterThanOrEqual(acked);
    j.close();
  });
});
