/** `alphagpt eval` and `formula explain` end to end on the embedded ClickHouse. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-alpha-"));
const env = { ALPHAGPT_DATA_DIR: join(dir, "state"), ALPHAGPT_LOG_LEVEL: "warn", ALPHAGPT_ALPHA_NORM_WINDOW: "60" };
const dataset = new URL("../../../shared/data/solana-pools-geckoterminal-2025/ohlcv_1h.csv", import.meta.url).pathname;

const run = (...args: string[]) => runCli(args, env);

describe("alphagpt eval", () => {
  it("prints per-split metrics on the real hourly dataset and names the liquidity and FDV fallbacks", async () => {
    expect((await run("import", "ohlcv", dataset)).code).toBe(ExitCode.ok);
    const r = await run("eval", "RET DECAY DEV SUB", "--interval", "1h");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain("141 tokens");
    expect(r.stdout).toMatch(/liquidity volume proxy/);
    expect(r.stdout).toMatch(/fdv\s+constant/);
    for (const split of ["train", "validation", "test"]) expect(r.stdout).toMatch(new RegExp(`^\\s*${split}\\s+\\d`, "m"));
  });

  it("finds the simulator's planted signal: PRESSURE has a clearly positive test-split IC", async () => {
    expect((await run("sim", "--tokens", "40", "--days", "1", "--seed", "9", "--signal", "1", "--no-events")).code).toBe(ExitCode.ok);
    const r = await run("eval", "PRESSURE", "--interval", "60s", "--json");
    expect(r.code).toBe(ExitCode.ok);
    const result = JSON.parse(r.stdout) as { splits: { split: string; rankIc: number }[] };
    const test = result.splits.find((s) => s.split === "test");
    expect(test!.rankIc).toBeGreaterThan(0.1);
  });

  it("rejects an invalid formula or strategy with exit code 3 and the position", async () => {
    const r = await run("eval", "RET ADD", "--interval", "1h");
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr).toBe("alphagpt: invalid formula at token 2 (ADD): ADD needs 2 operand(s), 1 available\n");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ vocabVersion: "other" }));
    const other = await run("eval", "--strategy", bad, "--interval", "1h");
    expect(other.code).toBe(ExitCode.badInput);
    expect(other.stderr).toContain('the strategy is of vocabulary "other"; this engine reads alphagpt-ts/vocab@1');
    writeFileSync(bad, JSON.stringify({ formula: "RET" }));
    expect((await run("eval", "--strategy", bad, "--interval", "1h")).stderr).toContain("the strategy has no vocabVersion");
  });

  it("accepts upstream's bare id array as a strategy file", async () => {
    const upstream = join(dir, "best_meme_strategy.json");
    writeFileSync(upstream, JSON.stringify([0, 15, 4, 7]));
    const r = await run("eval", "--strategy", upstream, "--interval", "1h");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain("decay(RET) - DEV");
  });
});

describe("alphagpt formula explain", () => {
  it("prints infix and the meaning of each feature", async () => {
    const r = await run("formula", "explain", "RET DECAY DEV SUB");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain("decay(RET) - DEV");
    expect(r.stdout).toMatch(/DEV\s+deviation of the close/);
  });
});
