import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { createLogger } from "./log.js";

describe("createLogger", () => {
  it("never writes a configured secret, in messages, fields or errors", () => {
    const secret = "4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw9";
    const { config } = loadConfig({ env: { SOLANA_PRIVATE_KEY: secret, ALPHAGPT_JUPITER_API_KEY: "jup-key-123" } });
    let out = "";
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
    const log = createLogger(config, sink);
    log.info(`loaded key ${secret}`);
    log.info({ wallet: { privateKey: secret }, headers: { authorization: "Bearer jup-key-123" } }, "request");
    log.error(new Error(`signing failed for ${secret}`));
    expect(out).not.toContain(secret);
    expect(out).not.toContain("jup-key-123");
    expect(out).toContain("[redacted]");
    expect(out.trim().split("\n")).toHaveLength(3);
  });
});
