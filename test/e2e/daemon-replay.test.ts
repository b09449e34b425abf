/**
 * The daemon's `mode: replay`: a recorded market (raw feed_events rows, as live ingest writes
 * them, here a JSONL file) served by the loopback Geyser server at many times its recorded speed
 * and consumed by the daemon with the real client. It ingests exactly the recording (the same
 * trades and bars as `alphagpt backtest` replaying the file on a virtual clock), trades it on a
 * paper wallet of its own journal, and stops by itself when the recording is over.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Journal } from "../../runtime/journal/journal.js";
import { runReplay, type ReplayResult } from "../../runtime/replay/driver.js";
import { simRecordingRows, writeRows } from "../../runtime/replay/jsonl.js";
import { testConfig as replayConfig, testSim, testStrategy, testUsd, TEST_SOL_USD } from "../../runtime/replay/testing.js";
import { startTestDaemon, type TestDaemon } from "../../runtime/daemon/testing.js";
import { jsonlReader } from "../../streams/replay/file-readers.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-daemon-replay-"));
const recording = join(dir, "recorded.jsonl");
let backtest: ReplayResult;
let t: TestDaemon;

beforeAll(async () => {
  await writeRows(recording, simRecordingRows(testSim({ bars: 180 })));
  backtest = await runReplay({ config: replayConfig(), strategy: testStrategy, usd: testUsd, reader: jsonlReader(recording) });
  t = await startTestDaemon({
    dataDir: join(dir, "state"),
    config: { mode: "replay", "replay.file": recording, "replay.speed": 3_600, "backtest.solUsd": TEST_SOL_USD },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("daemon mode: replay", () => {
  it("ingests the recording through the real client, trades it on its own paper wallet, and stops at its end", async () => {
    await t.daemon.stopped;
    const ingested = t.daemon.ingest.stats;
    expect(t.daemon.recorded?.stats()).toMatchObject({ decode: { bad: 0 } });
    // The same market as the backtest saw: every trade, every bar.
    expect(ingested.trades).toBe(backtest.counters.trades);
    expect(ingested.bars).toBe(backtest.counters.bars);
    expect(ingested.lastSlot).toBe(t.daemon.recorded?.stats().lastSlot);
    expect(existsSync(join(t.dir, "replay-journal.sqlite"))).toBe(true);
    const journal = Journal.open(join(t.dir, "replay-journal.sqlite"));
    const traded = journal.positions.list();
    journal.close();
    expect(traded.length).toBeGreaterThan(0);
    expect(existsSync(join(t.dir, "journal.sqlite"))).toBe(false);
    expect(t.daemon.records().map((r) => r.state)).toContain("shuttingDown");
  }, 120_000);

  it("refuses to start on a recording it cannot read or an empty range, naming the key", async () => {
    const state = join(dir, "bad");
    await expect(startTestDaemon({ dataDir: state, config: { mode: "replay", "replay.file": join(dir, "missing.jsonl") } })).rejects.toThrow(/replay\.file .*missing\.jsonl does not exist/);
    await expect(startTestDaemon({ dataDir: state, config: { mode: "replay", "replay.file": recording, "replay.from": 2_000, "replay.to": 1_000 } })).rejects.toThrow(
      /replay\.to \(1000\) must be after replay\.from \(2000\)/,
    );
    const junk = join(dir, "junk.jsonl");
    writeFileSync(junk, "hello\n{\"a\":1}\n");
    await expect(startTestDaemon({ dataDir: state, config: { mode: "replay", "replay.file": junk } })).rejects.toThrow(
      `replay.file ${junk} holds nothing to replay: rejected 2 of 2 lines of ${junk}: line 1: not JSON; line 2: not a feed_events row`,
    );
  }, 60_000);

  it("replays the rows of a partly bad recording and warns once with the count and the first bad lines", async () => {
    const partly = join(dir, "partly.jsonl");
    const rows = readFileSync(recording, "utf8").split("\n").slice(0, 200);
    writeFileSync(partly, ["not json", ...rows.slice(0, 100), "[1]", ...rows.slice(100)].join("\n") + "\n");
    const logFile = join(dir, "partly.log");
    const d = await startTestDaemon({ dataDir: join(dir, "partly"), logFile, config: { mode: "replay", "replay.file": partly, "replay.speed": 3_600, "backtest.solUsd": TEST_SOL_USD } });
    await d.daemon.stopped;
    expect(d.daemon.recorded?.stats().rows).toBe(200);
    await d.close();
    const warnings = () => readFileSync(logFile, "utf8").split("\n").filter((l) => l.includes("replay: rejected")).map((l) => (JSON.parse(l) as { msg: string }).msg);
    // The log file is written asynchronously.
    await vi.waitFor(() => expect(warnings()).toHaveLength(1));
    expect(warnings()).toEqual([`replay: rejected 2 of 202 lines of ${partly}: line 1: not JSON; line 102: not a feed_events row (slot, signature, write_version, kind, payload, ts_ms); replayed the rest`]);
  }, 60_000);
});
