/**
 * An emergency stop outlives the daemon: after `POST /stop` and a restart on the same data
 * directory entries stay off (the journal holds the operator's stop) until `POST /resume`, and a
 * resume outlives a restart too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { entriesHeldBy } from "../../machines/supervisor.machine.js";
import { startTestDaemon, type TestDaemon } from "../../runtime/daemon/testing.js";
import { eventually } from "../../testkit/eventually.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-daemon-estop-"));
let t: TestDaemon | undefined;
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const start = async (): Promise<TestDaemon> => (t = await startTestDaemon({ dataDir: dir }));

describe("emergency stop across restarts", () => {
  it("stop, restart: entries stay off; resume, restart: entries on", async () => {
    const first = await start();
    await eventually(() => first.daemon.entriesOpen(), { timeoutMs: 30_000 });
    const stopped = await first.api<{ state: string; entriesEnabled: boolean }>("POST", "/stop");
    expect(stopped.body).toMatchObject({ state: "stopping-entries", entriesEnabled: false });
    const stopTs = first.daemon.journal.supervisor.entriesStop()?.ts;
    expect(stopTs).toBeTypeOf("number");
    await first.daemon.stop("SIGINT");

    const second = await start();
    // Reconciled and every entry-holding child up: what opened entries in the first daemon.
    await eventually(() => second.daemon.state() !== "starting" && entriesHeldBy(second.daemon.supervisor.getSnapshot()).length === 0, { timeoutMs: 30_000 });
    expect(second.daemon.state()).toBe("stopping-entries");
    expect(second.daemon.entriesOpen()).toBe(false);
    expect((await second.api<{ entriesEnabled: boolean }>("GET", "/status")).body.entriesEnabled).toBe(false);
    const states = second.daemon.records().map((r) => r.state);
    expect(states).toContain("mode.stoppingEntries");
    expect(states).not.toContain("mode.running.enabled");
    // The stop keeps the time it was taken.
    expect(second.daemon.journal.supervisor.entriesStop()?.ts).toBe(stopTs);

    expect((await second.api("POST", "/resume")).status).toBe(200);
    await eventually(() => second.daemon.entriesOpen(), { timeoutMs: 30_000 });
    expect(second.daemon.journal.supervisor.entriesStop()).toBeNull();
    await second.daemon.stop("SIGINT");

    const third = await start();
    await eventually(() => third.daemon.entriesOpen(), { timeoutMs: 30_000 });
    expect(third.daemon.records().map((r) => r.state)).not.toContain("mode.stoppingEntries");
  }, 120_000);
});
