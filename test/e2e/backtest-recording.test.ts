/**
 * `alphagpt backtest --events FILE` on recordings that are missing or hold records that are not
 * rows, in-process and without ClickHouse: a missing file is one line and exit 3 (as a missing
 * `--strategy` file); a file whose every record is rejected is exit 3 with no report; a file with
 * some bad records replays the rest, names the bad ones on stderr and in the JSON, and exits 0.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import { BINARY_ROWS_MAGIC, BinaryRowEncoder } from "../../streams/replay/binary-rows.js";
import { account } from "../../streams/replay/test-rows.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-backtest-recording-"));
const env = { ALPHAGPT_DATA_DIR: join(dir, "state"), ALPHAGPT_LOG_LEVEL: "error" };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: readonly string[]) => runCli(args, env);

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const NOT_A_ROW = "not a feed_events row (slot, signature, write_version, kind, payload, ts_ms)";
const good = [account(100, 1), account(101, 2)].map((r) => JSON.stringify(r));

/** A binary recording of three rows, its last record cut short by 5 bytes. */
function truncatedBinary(): Buffer {
  const enc = new BinaryRowEncoder();
  const bytes = Buffer.concat([BINARY_ROWS_MAGIC, ...[account(100, 1), account(101, 2), account(102, 3)].map((r) => Buffer.from(enc.encode(r)))]);
  return bytes.subarray(0, bytes.length - 5);
}

describe("alphagpt backtest --events", () => {
  it("refuses a missing recording in one line, exit 3", async () => {
    const missing = join(dir, "none.jsonl");
    const r = await cli(["backtest", "--events", missing, "--no-report"]);
    expect(r).toEqual({ code: ExitCode.badInput, stdout: "", stderr: `alphagpt: no recording at ${missing}\n` });
  });

  it("refuses a missing recording before a sweep starts its workers", async () => {
    const sweep = file("sweep.json", JSON.stringify([{ name: "base" }]));
    const missing = join(dir, "none.jsonl");
    const r = await cli(["backtest", "--events", missing, "--sweep", sweep, "--no-report"]);
    expect(r).toEqual({ code: ExitCode.badInput, stdout: "", stderr: `alphagpt: no recording at ${missing}\n` });
  });

  it("names the sweep file and the entry (counted from 1) of a misspelt key", async () => {
    const events = file("good.jsonl", good.join("\n") + "\n");
    const sweep = file("misspelt.json", JSON.stringify([{ name: "base" }, { strategy: { buyThresold: 0.9 } }]));
    const r = await cli(["backtest", "--events", events, "--sweep", sweep, "--no-report"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain(`strategy.buyThresold = 0.9 (from sweep file ${sweep}, entry 2): not a known key`);
  
    const shapeless = file("shapeless.json", JSON.stringify([{ name: "base" }, 3]));
    const bad = await cli(["backtest", "--events", events, "--sweep", shapeless, "--no-report"]);
    expect(bad).toEqual({ code: ExitCode.badInput, stdout: "", stderr: `alphagpt: invalid sweep ${shapeless}: entry 2 is not an object of config overrides\n` });
  });

  it("rejects a file none of whose lines is a row: exit 3, each named, no report", async () => {
    const path = file("junk.jsonl", ['hello world', '{"a":1}', '{"slot":"x"}'].join("\n") + "\n");
    const out = join(dir, "junk-report");
    const r = await cli(["backtest", "--events", path, "--out", out]);
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`alphagpt: nothing to replay: rejected 3 of 3 lines of ${path}: line 1: not JSON; line 2: ${NOT_A_ROW}; line 3: ${NOT_A_ROW}\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("names the first three bad lines and counts the rest", async () => {
    const path = file("more.jsonl", ["a", "b", "", "c", "d", "e"].join("\n"));
    const r = await cli(["backtest", "--events", path, "--no-report"]);
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr).toBe(`alphagpt: nothing to replay: rejected 5 of 5 lines of ${path}: line 1: not JSON; line 2: not JSON; line 4: not JSON; and 2 more\n`);
  });

  it("replays the good lines of a partly bad file, warns with the bad ones, and records them in the report and JSON", async () => {
    const path = file("partly.jsonl", [good[0], "hello world", "", good[1]].join("\n") + "\n");
    const out = join(dir, "partly-report");
    const r = await cli(["backtest", "--events", path, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toContain(`backtest: rejected 1 of 3 lines of ${path}: line 2: not JSON; replayed the rest\n`);
    const rejected = { unit: "line", count: 1, of: 3, first: [{ at: 2, reason: "not JSON" }] };
    const printed = JSON.parse(r.stdout) as { rejected: unknown; counters: { replay: { rows: number } } };
    expect(printed.rejected).toEqual(rejected);
    expect(printed.counters.replay.rows).toBe(2);
    expect((JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { rejected: unknown }).rejected).toEqual(rejected);
  });

  it("fails in one line, exit 1, when the report folder cannot be created", async () => {
    const events = file("good.jsonl", good.join("\n") + "\n");
    const out = join(file("plain-file", "x"), "report");
    const r = await cli(["backtest", "--events", events, "--out", out]);
    expect(r).toEqual({ code: ExitCode.failure, stdout: "", stderr: `alphagpt: cannot write ${out}: not a directory\n` });
  });

  it("reports a sweep's rejected lines once, not once per worker; none kept is exit 3", async () => {
    const path = file("sweep-partly.jsonl", [good[0], "hello world", "", good[1]].join("\n") + "\n");
    const sweep = file("two.json", JSON.stringify([{ name: "a" }, { name: "b", "strategy.stopLossPct": -0.2 }]));
    const r = await cli(["backtest", "--events", path, "--sweep", sweep, "--workers", "2", "--no-report"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    const warning = `backtest: rejected 1 of 3 lines of ${path}: line 2: not JSON; replayed the rest\n`;
    expect(r.stderr.split(warning)).toHaveLength(2);

    const junk = file("sweep-junk.jsonl", "hello\nworld\n");
    const all = await cli(["backtest", "--events", junk, "--sweep", sweep, "--workers", "2", "--no-report"]);
    expect(all.code).toBe(ExitCode.badInput);
    expect(all.stdout).toBe("");
    expect(all.stderr).toMatch(new RegExp(`alphagpt: nothing to replay: rejected 2 of 2 lines of .*sweep-junk\\.jsonl: line 1: not JSON; line 2: not JSON\n$`));
  }, 60_000);

  it("treats binary recordings alike: a record cut short is named by its number", async () => {
    const partly = file("partly.bin", truncatedBinary());
    const r = await cli(["backtest", "--events", partly, "--no-report"]);
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toContain(`backtest: rejected 1 of 3 records of ${partly}: record 3: record is truncated; replayed the rest\n`);
    expect(r.stdout).toMatch(/ from 2 rows of /);

    const junk = file("junk.bin", Buffer.concat([BINARY_ROWS_MAGIC, Buffer.from([1, 2, 3])]));
    const all = await cli(["backtest", "--events", junk, "--no-report"]);
    expect(all).toEqual({ code: ExitCode.badInput, stdout: "", stderr: `alphagpt: nothing to replay: rejected 1 of 1 records of ${junk}: record 1: record is truncated\n` });
  });
});
