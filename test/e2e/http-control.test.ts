/**
 * The control server over real TCP: loopback bind, token on the wire, and upstream's stop file
 * watched by the server's own poll (the unit tests call `check()` themselves), including a file
 * left in place while the daemon was down.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startControlServer, type ControlServer } from "../../runtime/http/server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "../../runtime/http/testing.js";
import { eventually } from "../../testkit/eventually.js";

let dir: string;
let stopPath: string;
let fake: FakeDaemonControl;
let server: ControlServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "alphagpt-http-"));
  stopPath = join(dir, "STOP_SIGNAL");
  fake = new FakeDaemonControl();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const start = async () =>
  (server = await startControlServer({
    control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger(), port: 0, stopSignalPath: stopPath, stopFilePollMs: 20,
  }));
const call = (s: ControlServer, method: string, path: string, token?: string) =>
  fetch(`${s.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("control server over TCP", () => {
  it("binds to loopback by default and enforces the token on the wire", async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(s, "GET", "/health")).status).toBe(200);
    expect((await call(s, "POST", "/stop?flatten=true")).status).toBe(401);
    expect(fake.calls).toEqual([]);
    const res = await call(s, "GET", "/status", TEST_TOKEN);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { state: string }).state).toBe("running");
  });

  it("a STOP file written while running stops entries; POST /resume deletes it", async () => {
    const s = await start();
    writeFileSync(stopPath, "STOP\n");
    await eventually(() => expect(fake.status_.entriesEnabled).toBe(false));
    expect(fake.calls).toEqual([{ method: "stop", request: { flatten: false, source: "stop-file", reason: `stop file ${stopPath}` } }]);
    expect((await call(s, "POST", "/resume", TEST_TOKEN)).status).toBe(200);
    expect(existsSync(stopPath)).toBe(false);
    expect(fake.status_.entriesEnabled).toBe(true);
  });

  it("a file left while the daemon was down starts it with entries stopped, and resume clears it", async () => {
    writeFileSync(stopPath, "STOPPED");
    const s = await start();
    await eventually(() => expect(fake.status_.entriesEnabled).toBe(false));
    expect((await call(s, "POST", "/resume", TEST_TOKEN)).status).toBe(200);
    expect(existsSync(stopPath)).toBe(false);
  });
});
