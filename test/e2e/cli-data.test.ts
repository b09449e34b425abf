/**
 * The data commands end to end, in-process against the embedded ClickHouse: `sim` is
 * deterministic and idempotent, `import ohlcv` rejects a malformed file with its line and writes
 * nothing, `export` writes what is stored (creating the output's folder; a path it cannot write is
 * a one-line error).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-"));
const env = { ALPHAGPT_DATA_DIR: join(dir, "state"), ALPHAGPT_LOG_LEVEL: "warn" };

const run = (...args: string[]) => runCli(args, env);

describe("alphagpt data commands", () => {
  it("sim writes a deterministic market and re-running it changes no count", async () => {
    const first = await run("sim", "--tokens", "8", "--days", "0.1", "--seed", "3");
    expect(first.code).toBe(ExitCode.ok);
    const rows = /(\d+) bars \(60s\), (\d+) raw events/.exec(first.stdout);
    expect(rows).not.toBeNull();
    expect(first.stdout).toContain(`bars 60s: ${rows![1]} rows over 8 tokens`);
    expect(first.stdout).toContain("ClickHouse now holds: 8 tokens");
    // 0.1 days of 60 s bars: progress counts the 144 bar steps.
    expect(first.stderr).toContain("simulating: 100% (144/144 bars)");

    const again = await run("sim", "--tokens", "8", "--days", "0.1", "--seed", "3");
    expect(again.code).toBe(ExitCode.ok);
    expect(again.stdout).toBe(first.stdout);
  });

  it("import ohlcv rejects a malformed file with its line number and leaves the tables unchanged", async () => {
    const before = await run("export", "--interval", "60s", "--out", join(dir, "before.csv"));
    const bad = join(dir, "bad_1m.csv");
    writeFileSync(bad, ["ts,mint,open,high,low,close,volume", "60,AAA,1,2,0.5,1.5,10", "120,AAA,1,0.5,2,1.5,10"].join("\n") + "\n");
    const r = await run("import", "ohlcv", bad);
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/line 3/);
    const after = await run("export", "--interval", "60s", "--out", join(dir, "after.csv"));
    expect(after.stdout.replace("after", "before")).toBe(before.stdout);
    expect(readFileSync(join(dir, "after.csv"), "utf8")).toBe(readFileSync(join(dir, "before.csv"), "utf8"));
  });

  it("import ohlcv writes a valid file and export returns its rows", async () => {
    const good = join(dir, "good_1h.csv");
    writeFileSync(good, ["ts,pool,open,high,low,close,volume", "3600,PoolA,1,2,0.5,1.5,10", "7200,PoolA,1.5,1.6,1.2,1.3,0"].join("\n") + "\n");
    const r = await run("import", "ohlcv", good);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain("written: 2 bars");
    const out = join(dir, "out_1h.csv");
    const e = await run("export", "--interval", "1h", "--mint", "PoolA", "--out", out);
    expect(e.stdout).toContain("exported 2 bars");
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("export creates a missing output folder, and names a path it cannot write in one line", async () => {
    const nested = join(dir, "no", "such", "folder", "bars.csv");
    const made = await run("export", "--interval", "1h", "--mint", "PoolA", "--out", nested);
    expect(made.code, made.stderr).toBe(ExitCode.ok);
    expect(made.stdout).toBe(`exported 2 bars to ${nested} (csv)\n`);
    expect(readFileSync(nested, "utf8").trim().split("\n")).toHaveLength(3);

    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    const r = await run("export", "--interval", "1h", "--out", folder);
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stderr).toBe(`alphagpt: cannot write ${folder}: illegal operation on a directory\n`);
    expect(existsSync(`${folder}.partial`)).toBe(false);
  });

  it("usage errors exit with code 2", async () => {
    expect((await run("sim", "--tokens", "-4")).code).toBe(ExitCode.usage);
    expect((await run("export", "--interval", "1h")).code).toBe(ExitCode.usage);
  });
});
