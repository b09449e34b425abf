/**
 * `alphagpt sync` end to end, in-process against the embedded ClickHouse and loopback Birdeye and
 * DexScreener servers backed by the simulated market: the expected tokens and bars are written,
 * a second sync fetches only the new bars and double counts nothing, a 429 storm slows the sync
 * and loses nothing, a request that keeps failing gives exit code 1 after the rest is written.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simRestWorld, type SimRestWorld } from "../../runtime/ingest/sim-rest.js";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import { openStorage } from "../../runtime/storage/clickhouse.js";
import type { BarRow } from "../../runtime/storage/storage.js";
import { startBirdeyeServer } from "../../testkit/birdeye/server.js";
import { startDexScreenerServer } from "../../testkit/dexscreener/server.js";
import type { FaultyServer } from "../../testkit/http/faulty-server.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-sync-"));
const state = join(dir, "state");
const baseEnv = { ALPHAGPT_DATA_DIR: state, ALPHAGPT_LOG_LEVEL: "error", ALPHAGPT_UNIVERSE_MIN_LIQUIDITY_USD: "3000", ALPHAGPT_UNIVERSE_MIN_FDV_USD: "10000" };
const servers: FaultyServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const run = (env: Record<string, string>, ...args: string[]) => runCli(["sync", ...args], { ...baseEnv, ...env });

/** A count from the report, e.g. `fetched` in "bars  1,234 fetched". */
function count(stdout: string, re: RegExp): number {
  const m = re.exec(stdout);
  if (m === null) throw new Error(`no ${re} in:\n${stdout}`);
  return Number((m[1] as string).replace(/,/g, ""));
}

async function stored(mints: readonly string[]): Promise<{ final: BarRow[]; raw: number; tokens: { mint: string; symbol: string; source: string }[] }> {
  const s = await openStorage({ kind: "embedded", dataDir: join(state, "clickhouse") });
  try {
    const final = await s.query<BarRow>("SELECT * FROM bars FINAL WHERE interval_s = 60 AND has({m:Array(String)}, mint) ORDER BY mint, ts", { m: mints });
    const raw = await s.query<{ n: number }>("SELECT count() AS n FROM bars WHERE interval_s = 60 AND has({m:Array(String)}, mint)", { m: mints });
    const tokens = await s.query<{ mint: string; symbol: string; source: string }>("SELECT mint, symbol, source FROM tokens FINAL WHERE has({m:Array(String)}, mint) ORDER BY mint", { m: mints });
    return { final, raw: raw[0]?.n ?? 0, tokens };
  } finally {
    await s.close();
  }
}

const keptBy = (w: SimRestWorld): string[] => w.tokens.filter((t) => t.liquidityUsd >= 3000 && t.fdvUsd >= 10_000).map((t) => t.mint);
const lastClosed = (asOfS: number): number => Math.floor(asOfS / 60) * 60 - 60;

/** The simulator's bars a sync should have stored: each mint up to the last sync that kept it. */
function expectedBars(world: SimRestWorld, syncs: readonly SimRestWorld[]): BarRow[] {
  const upTo = new Map<string, number>();
  for (const s of syncs) for (const m of keptBy(s)) upTo.set(m, Math.max(upTo.get(m) ?? -1, lastClosed(s.asOfS)));
  const out: BarRow[] = [];
  for (const [mint, to] of [...upTo].sort(([a], [b]) => (a < b ? -1 : 1))) for (const b of world.bars.get(mint) ?? []) if (b.ts <= to) out.push(b);
  return out;
}

function expectSameBars(got: readonly BarRow[], want: readonly BarRow[]): void {
  expect(got.map((b) => `${b.mint}|${b.ts}`)).toEqual(want.map((b) => `${b.mint}|${b.ts}`));
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as BarRow;
    const w = want[i] as BarRow;
    expect([g.open, g.high, g.low, g.close, g.source]).toEqual([w.open, w.high, w.low, w.close, "birdeye"]);
    expect(Math.abs(g.volume - w.volume)).toBeLessThanOrEqual(1e-9 * Math.max(1, w.volume));
  }
}

describe("alphagpt sync", () => {
  const sim = { seed: 1, tokens: 10, days: 1, barIntervalS: 60 };
  let end: SimRestWorld;
  beforeAll(() => {
    end = simRestWorld(sim);
  });

  it("writes the filtered tokens and their bars; a second sync fetches only the new bars and double counts nothing", async () => {
    const t1 = end.startS + 5 * 3600 + 30;
    const mid = simRestWorld(sim, t1);
    const first = await run({}, "--loopback", "--tokens", "10", "--days", "1", "--seed", "1", "--to", String(t1));
    expect(first.code, first.stderr).toBe(ExitCode.ok);
    const want1 = expectedBars(end, [mid]);
    expect(want1.length).toBeGreaterThan(0);
    expect(count(first.stdout, /universe\s+([\d,]+) kept/)).toBe(keptBy(mid).length);
    expect(count(first.stdout, /([\d,]+) rejected/)).toBe(mid.tokens.length - keptBy(mid).length);
    expect(count(first.stdout, /bars\s+([\d,]+) fetched/)).toBe(want1.length);
    const after1 = await stored(keptBy(mid));
    expectSameBars(after1.final, want1);
    expect(after1.raw).toBe(want1.length);
    expect(after1.tokens.map((t) => t.mint)).toEqual([...keptBy(mid)].sort());
    expect(after1.tokens.every((t) => t.source === "birdeye")).toBe(true);
    // Liquidity and FDV are observed at the sync: only on a bar that closed then, never stamped on history.
    expect(after1.final.filter((b) => b.liquidity !== null || b.fdv !== null).every((b) => b.ts === lastClosed(t1))).toBe(true);

    // To the end of the market: only bars after each token's newest stored bar are fetched.
    const second = await run({}, "--loopback", "--tokens", "10", "--days", "1", "--seed", "1");
    expect(second.code, second.stderr).toBe(ExitCode.ok);
    const all = [...new Set([...keptBy(mid), ...keptBy(end)])];
    const want2 = expectedBars(end, [mid, end]);
    const after2 = await stored(all);
    expectSameBars(after2.final, want2);
    expect(after2.raw).toBe(want2.length); // no bar was written twice
    const storedBefore = expectedBars(end, [mid]).filter((b) => keptBy(end).includes(b.mint)).length;
    const newForEnd = want2.filter((b) => keptBy(end).includes(b.mint)).length - storedBefore;
    expect(count(second.stdout, /bars\s+([\d,]+) fetched/)).toBe(newForEnd);

    // Nothing new: nothing fetched, nothing written.
    const third = await run({}, "--loopback", "--tokens", "10", "--days", "1", "--seed", "1");
    expect(third.code).toBe(ExitCode.ok);
    expect(count(third.stdout, /bars\s+([\d,]+) fetched/)).toBe(0);
    expect((await stored(all)).raw).toBe(want2.length);
  });

  it("rides out a 429 storm against configured endpoints: slower, nothing lost", async () => {
    const s2 = { seed: 2, tokens: 8, days: 1, barIntervalS: 60 };
    const world = simRestWorld(s2);
    const be = await startBirdeyeServer({ ...world.birdeye("storm-key"), faults: { storm429: 3, rate429: 0.15, retryAfterS: 0.01, seed: 5 } });
    const ds = await startDexScreenerServer({ ...world.dexscreener(), faults: { storm429: 2, retryAfterS: 0.01, seed: 6 } });
    servers.push(be, ds);
    const env = {
      ALPHAGPT_BIRDEYE_BASE_URL: be.url,
      ALPHAGPT_BIRDEYE_API_KEY: "storm-key",
      ALPHAGPT_BIRDEYE_REQUESTS_PER_SECOND: "500",
      ALPHAGPT_DEXSCREENER_BASE_URL: ds.url,
      ALPHAGPT_DEXSCREENER_REQUESTS_PER_MINUTE: "30000",
    };
    const r = await run(env, "--to", String(world.asOfS));
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.ok);
    expect(be.stats.rateLimited).toBeGreaterThanOrEqual(3);
    expect(count(r.stdout, /([\d,]+) rate-limited/)).toBe(be.stats.rateLimited);
    expect(count(r.stdout, /Birdeye [\d,]+ \(([\d,]+) retries/)).toBe(be.stats.rateLimited);
    expect(count(r.stdout, /DexScreener [\d,]+ \(([\d,]+) retries/)).toBe(ds.stats.rateLimited);
    expect(r.stdout).toContain("failed     0 requests");
    const want = expectedBars(world, [world]);
    const got = await stored(keptBy(world));
    expectSameBars(got.final, want);
    expect(got.raw).toBe(want.length);
    // One token has more than Birdeye's 1,000 records to fetch: paged by time.
    expect(Math.max(...keptBy(world).map((m) => world.bars.get(m)?.length ?? 0))).toBeGreaterThan(1000);
    expect(count(r.stdout, /fetched in ([\d,]+) requests/)).toBeGreaterThan(keptBy(world).length);
  });

  it("exits 1 when a request keeps failing, after writing everything else", async () => {
    const s3 = { seed: 3, tokens: 8, days: 0.25, barIntervalS: 60 };
    const world = simRestWorld(s3);
    // Birdeye does not know one token still on its curve (DexScreener does not list those either).
    const lost = world.tokens.find((t) => t.dex === "pumpfun")?.mint;
    expect(lost).toBeDefined();
    const opts = world.birdeye("k");
    const be = await startBirdeyeServer({ ...opts, overview: (a) => (a === lost ? null : (opts.overview?.(a) ?? null)) });
    servers.push(be);
    const env = { ALPHAGPT_BIRDEYE_BASE_URL: be.url, ALPHAGPT_BIRDEYE_API_KEY: "k", ALPHAGPT_BIRDEYE_REQUESTS_PER_SECOND: "500" };
    // No DexScreener: every token's numbers come from Birdeye.
    const cfg = join(dir, "no-dexscreener.json");
    writeFileSync(cfg, JSON.stringify({ dexscreener: { baseUrl: "" } }));
    const r = await run(env, "--to", String(world.asOfS), "--config", cfg);
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stdout).toMatch(new RegExp(`failed     1 request\\n    birdeye /defi/token_overview \\(${lost}\\): client HTTP 400`));
    expect(r.stdout).toContain("DexScreener not configured");
    expect(r.stderr).toMatch(/1 request failed after retries/);
    // The token fell back on the trending list's numbers; every kept token's bars are stored.
    const want = expectedBars(world, [world]);
    expect(want.length).toBeGreaterThan(0);
    expectSameBars((await stored(keptBy(world))).final, want);
  });

  it("a real sync without a Birdeye key is a usage error", async () => {
    const r = await run({}, "--to", "1735700000");
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/birdeye\.apiKey is not set.*BIRDEYE_API_KEY.*--loopback/);
  });
});
