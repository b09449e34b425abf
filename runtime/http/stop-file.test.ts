/**
 * Upstream's stop file, honoured and fixed (reference §11.10, M5): "", STOP, STOPPED or an
 * unreadable file stops entries once per appearance; FLATTEN also exits; other content is
 * ignored; a resume deletes the file so it cannot block the next start.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildControlApp } from "./server.js";
import { watchStopFile, withStopFile, type StopFileWatcher } from "./stop-file.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "./testing.js";

let dir: string;
let path: string;
let fake: FakeDaemonControl;
let watcher: StopFileWatcher;
const logs: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "alphagpt-stopfile-"));
  path = join(dir, "STOP_SIGNAL");
  fake = new FakeDaemonControl();
  logs.length = 0;
  watcher = watchStopFile({ path, control: fake, pollMs: 0, log: (level, msg) => logs.push(`${level} ${msg}`) });
});
afterEach(() => {
  watcher.close();
  rmSync(dir, { recursive: true, force: true });
});

const stops = () => fake.calls.filter((c) => c.method === "stop");

describe("stop file", () => {
  it("does nothing while the file is absent or holds other words", async () => {
    expect(await watcher.check()).toBe("absent");
    writeFileSync(path, "keep going\n");
    expect(await watcher.check()).toBe("ignored");
    expect(fake.calls).toEqual([]);
  });

  it.each(["", "STOP", "stop\n", "  Stopped  "])("content %j stops entries once and acknowledges with STOPPED", async (content) => {
    writeFileSync(path, content);
    expect(await watcher.check()).toBe("stopped");
    expect(await watcher.check()).toBe("already-stopped");
    expect(stops()).toEqual([{ method: "stop", request: { flatten: false, source: "stop-file", reason: `stop file ${path}` } }]);
    expect(readFileSync(path, "utf8").trim()).toBe("STOPPED");
    expect(fake.status_.entriesEnabled).toBe(false);
  });

  it("FLATTEN also exits every position (upstream's STOP never did)", async () => {
    writeFileSync(path, "FLATTEN");
    expect(await watcher.check()).toBe("stopped");
    expect(stops()[0]).toMatchObject({ request: { flatten: true } });
  });

  it("a file that exists but cannot be read counts as a stop, as upstream's did", async () => {
    mkdirSync(path); // reading a directory fails (EISDIR) whoever we run as; chmod would not stop root
    expect(await watcher.check()).toBe("stopped");
  });

  it("retries on the next look when the daemon refused the stop", async () => {
    writeFileSync(path, "STOP");
    fake.unavailable = "starting";
    expect(await watcher.check()).toBe("failed");
    fake.unavailable = null;
    expect(await watcher.check()).toBe("stopped");
  });

  it("a resume deletes the file, and a new file stops again (M5: it never blocks the next start)", async () => {
    const control = withStopFile(fake, watcher);
    writeFileSync(path, "STOP");
    await watcher.check();
    expect(await control.resume()).toEqual({ state: "running", entriesEnabled: true });
    expect(existsSync(path)).toBe(false);
    expect(await watcher.check()).toBe("absent");
    writeFileSync(path, "STOP");
    expect(await watcher.check()).toBe("stopped");
    expect(stops()).toHaveLength(2);
  });

  it("a failed resume leaves the file in place", async () => {
    const control = withStopFile(fake, watcher);
    writeFileSync(path, "STOP");
    await watcher.check();
    fake.status_ = { ...fake.status_, state: "degraded" };
    await expect(control.resume()).rejects.toMatchObject({ _tag: "ControlConflictError" });
    expect(existsSync(path)).toBe(true);
  });

  it("POST /resume on the server clears the configured stop file", async () => {
    const built = await buildControlApp({
      control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger(), stopSignalPath: path, stopFilePollMs: 0,
    });
    writeFileSync(path, "STOP");
    expect(await built.stopFile!.check()).toBe("stopped");
    const res = await built.app.inject({ method: "POST", url: "/resume", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(existsSync(path)).toBe(false);
    await built.app.close();
  });
});
