import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defaultConfig, keyDocs, leafKeys, loadConfig, redactConfig, REDACTED } from "./index.js";

const tmpFile = (content: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), "alphagpt-config-")), "config.json");
  writeFileSync(path, content);
  return path;
};

const problemsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("gives upstream's constants by default", () => {
    const { config } = loadConfig({ env: {} });
    expect(config.strategy).toMatchObject({
      buyThreshold: 0.85,
      sellThreshold: 0.45,
      stopLossPct: -0.05,
      takeProfit1Pct: 0.1,
      takeProfit1SellFraction: 0.5,
      trailingActivationPct: 0.05,
      trailingDropPct: 0.03,
      maxOpenPositions: 3,
      entryAmountSol: 2,
    });
    expect(config.execution).toMatchObject({ quoteSlippageBps: 200, swapSlippageBps: 500, safetyCheckSlippageBps: 1000 });
    expect(config.universe).toMatchObject({ minLiquidityUsd: 500_000, minFdvUsd: 10_000_000 });
    expect(config.backtest.swapFee).toBe(0.006);
    expect(config.http.host).toBe("127.0.0.1");
  });

  it("applies file over defaults and env over file, recording each source", () => {
    const path = tmpFile(JSON.stringify({ strategy: { buyThreshold: 0.9, maxOpenPositions: 5 } }));
    const { config, sources } = loadConfig({
      configPath: path,
      env: { ALPHAGPT_STRATEGY_MAX_OPEN_POSITIONS: "7", ALPHAGPT_HTTP_PORT: "9000" },
    });
    expect(config.strategy.buyThreshold).toBe(0.9);
    expect(config.strategy.maxOpenPositions).toBe(7);
    expect(config.http.port).toBe(9000);
    expect(sources["strategy.buyThreshold"]).toBe(`file ${path}`);
    expect(sources["strategy.maxOpenPositions"]).toBe("env ALPHAGPT_STRATEGY_MAX_OPEN_POSITIONS");
    expect(sources["strategy.sellThreshold"]).toBe("default");
  });

  it("reads the file named by ALPHAGPT_CONFIG and honours upstream's env names", () => {
    const path = tmpFile(JSON.stringify({ mode: "live" }));
    const { config } = loadConfig({ env: { ALPHAGPT_CONFIG: path, BIRDEYE_API_KEY: "k", STOP_SIGNAL_PATH: "/tmp/stop" } });
    expect(config.mode).toBe("live");
    expect(config.birdeye.apiKey).toBe("k");
    expect(config.stopSignalPath).toBe("/tmp/stop");
  });

  it("names every bad key, its value, what was expected and where it came from, in one error", () => {
    const path = tmpFile(JSON.stringify({ strategy: { buyThreshold: 1.5, stopLossPct: 0.05 }, http: { prot: 1 } }));
    const problems = problemsOf(() => loadConfig({ configPath: path, env: { ALPHAGPT_HTTP_PORT: "eighty" } }));
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p]));
    expect(Object.keys(byKey).sort()).toEqual(["http.port", "http.prot", "strategy.buyThreshold", "strategy.stopLossPct"]);
    expect(byKey["strategy.buyThreshold"]).toMatchObject({ value: 1.5, source: `file ${path}` });
    expect(byKey["strategy.buyThreshold"]!.expected).toMatch(/between 0 and 1/);
    expect(byKey["http.port"]).toMatchObject({ value: "eighty", source: "env ALPHAGPT_HTTP_PORT" });
    expect(byKey["http.prot"]!.expected).toMatch(/not a known key/);
    const message = new ConfigError({ problems }).message;
    expect(message).toContain("strategy.stopLossPct = 0.05");
    expect(message).toContain("4 problems");
  });

  it("refuses unknown ALPHAGPT_* variables, suggesting the closest known name; other variables are not ours", () => {
    const problems = problemsOf(() => loadConfig({ env: { ALPHAGPT_STRATEGYY_STOP_LOSS_PCT: "-0.1", ALPHAGPT_NOTHING_LIKE_IT: "1", PATH: "/bin", SOLANA_PRIVATE_KEY: "" } }));
    expect(problems).toEqual([
      { key: "(environment)", value: "ALPHAGPT_NOTHING_LIKE_IT", expected: "a known variable (see `alphagpt config docs`)", source: "env ALPHAGPT_NOTHING_LIKE_IT" },
      { key: "(environment)", value: "ALPHAGPT_STRATEGYY_STOP_LOSS_PCT", expected: "a known variable (see `alphagpt config docs`); did you mean ALPHAGPT_STRATEGY_STOP_LOSS_PCT?", source: "env ALPHAGPT_STRATEGYY_STOP_LOSS_PCT" },
    ]);
    expect(loadConfig({ env: { ALPHAGPT_CONFIG: "", ALPHAGPT_STRATEGY_STOP_LOSS_PCT: "-0.1" } }).config.strategy.stopLossPct).toBe(-0.1);
  });

  it("refuses a price-impact cap at or past the stop loss: every entry would start stopped out", () => {
    const problems = problemsOf(() => loadConfig({ env: { ALPHAGPT_RISK_MAX_PRICE_IMPACT_PCT: "0.05" } }));
    expect(problems).toEqual([
      { key: "risk.maxPriceImpactPct", value: 0.05, expected: "below -strategy.stopLossPct (0.05): an entry would start at or past its stop loss", source: "env ALPHAGPT_RISK_MAX_PRICE_IMPACT_PCT" },
    ]);
    expect(loadConfig({ env: { ALPHAGPT_RISK_MAX_PRICE_IMPACT_PCT: "0.05", ALPHAGPT_STRATEGY_STOP_LOSS_PCT: "-0.1" } }).config.risk.maxPriceImpactPct).toBe(0.05);
  });

  it("rejects an unreadable or non-JSON file with a clear message", () => {
    expect(problemsOf(() => loadConfig({ configPath: tmpFile("{ not json") }))[0]!.expected).toMatch(/valid JSON/);
    expect(problemsOf(() => loadConfig({ configPath: "/nonexistent/x.json" }))[0]!.expected).toMatch(/readable file/);
  });
});

describe("key documentation", () => {
  it("documents exactly the keys of the config", () => {
    expect(Object.keys(keyDocs).sort()).toEqual(leafKeys(defaultConfig as never).sort());
  });
});

describe("redactConfig", () => {
  it("hides every secret that is set and leaves the rest", () => {
    const { config } = loadConfig({
      env: { SOLANA_PRIVATE_KEY: "5Kd3NBUAdUnhyzenEwVLy9pBKxSwXvE9FMPyR4UKZvpe6E3AgLr", ALPHAGPT_CONTROL_TOKEN: "tok" },
    });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain("5Kd3NBUAdUnhyzenEwVLy9pBKxSwXvE9FMPyR4UKZvpe6E3AgLr");
    expect(shown).not.toContain('"tok"');
    expect((redactConfig(config) as { wallet: { privateKey: string } }).wallet.privateKey).toBe(REDACTED);
    expect((redactConfig(config) as { birdeye: { apiKey: string } }).birdeye.apiKey).toBe("");
  });
});
