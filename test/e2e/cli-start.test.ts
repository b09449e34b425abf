/**
 * `alphagpt start` in live mode refuses configuration a restart cannot fix before it starts
 * anything: exit code 2, a message naming the key to set, and never a character of the key.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../runtime/cli/exit-codes.js";
import { runCli } from "../../runtime/cli/testing.js";
import { seededSecretKey } from "../../testkit/jupiter/pools.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-cli-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Live mode whose endpoints nothing listens on: the checks must fail before anything connects. */
const liveEnv = (state: string, extra: Record<string, string>) => ({
  ALPHAGPT_DATA_DIR: join(dir, state),
  ALPHAGPT_LOG_LEVEL: "warn",
  ALPHAGPT_MODE: "live",
  ALPHAGPT_GEYSER_ENDPOINT: "http://127.0.0.1:1",
  ALPHAGPT_SOLANA_RPC_URL: "http://127.0.0.1:2",
  ALPHAGPT_HTTP_PORT: "0",
  ...extra,
});

const start = (env: Record<string, string>) => runCli(["start", "--duration", "5"], env);

describe("alphagpt start, live mode preflight", () => {
  it("an undecodable private key stops startup with exit 2, naming the key but not echoing it", async () => {
    const r = await start(liveEnv("bad-key", { SOLANA_PRIVATE_KEY: "SECRETKEYzzz" }));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("wallet.privateKey (ALPHAGPT_WALLET_PRIVATE_KEY or SOLANA_PRIVATE_KEY)");
    expect(r.stderr).toContain("not a JSON array of 64 bytes or base58");
    expect(r.stderr + r.stdout).not.toContain("SECRETKEY");
    expect(r.stdout).not.toContain("daemon running");
  });

  it("a key file that does not decode names wallet.keypairPath, not its content", async () => {
    const path = join(dir, "bad-keypair.json");
    writeFileSync(path, "[1,2,3]");
    const r = await start(liveEnv("bad-file", { ALPHAGPT_KEYPAIR_PATH: path }));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("wallet.keypairPath (ALPHAGPT_KEYPAIR_PATH or ALPHAGPT_WALLET_KEYPAIR_PATH)");
    expect(r.stderr).not.toContain("[1,2,3]");
  });

  it("a valid key with an empty tokens table stops startup with exit 2 and says to run sync", async () => {
    const secret = JSON.stringify([...(await seededSecretKey("cli-start"))]);
    const r = await start(liveEnv("empty-universe", { SOLANA_PRIVATE_KEY: secret }));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("the tokens table is empty; run `alphagpt sync` first");
    expect(r.stderr + r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain("daemon running");
  });
});
