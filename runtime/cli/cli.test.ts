import { describe, expect, it } from "vitest";
import { ExitCode } from "./exit-codes.js";
import { main } from "./main.js";

function run(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), env };
  return main(["node", "alphagpt", ...args], io).then((code) => ({ code, stdout, stderr }));
}

describe("alphagpt CLI", () => {
  it("prints help with exit code 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain("Usage: alphagpt");
  });

  it("rejects an unknown command with the usage exit code", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("unknown command");
  });

  it("config show prints the effective config with secrets redacted", async () => {
    const r = await run(["config", "show"], { SOLANA_PRIVATE_KEY: "supersecretkeymaterial", ALPHAGPT_HTTP_PORT: "9001" });
    expect(r.code).toBe(ExitCode.ok);
    const shown = JSON.parse(r.stdout) as { http: { port: number }; wallet: { privateKey: string } };
    expect(shown.http.port).toBe(9001);
    expect(shown.wallet.privateKey).toBe("[redacted]");
    expect(r.stdout).not.toContain("supersecretkeymaterial");
  });

  it("an invalid config fails with exit code 2 and names the key", async () => {
    const r = await run(["config", "show"], { ALPHAGPT_STRATEGY_BUY_THRESHOLD: "2" });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("strategy.buyThreshold = 2 (from env ALPHAGPT_STRATEGY_BUY_THRESHOLD)");
  });

  it("config docs lists every key with its env variable", async () => {
    const r = await run(["config", "docs"]);
    expect(r.stdout).toContain("| `strategy.stopLossPct` | `-0.05` | `ALPHAGPT_STRATEGY_STOP_LOSS_PCT` |");
    expect(r.stdout).toContain("| `wallet.privateKey` | `(secret)` |");
  });
});
