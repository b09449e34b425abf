/**
 * Bearer auth: a missing or wrong token gets 401 on every route but /health and the UI shell,
 * and the daemon sees nothing (no command recorded, no state changed).
 */
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearerToken, tokenChecker, wsToken } from "./auth.js";
import { routes } from "./routes.js";
import { buildControlApp, exposureWarning, type ControlApp } from "./server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "./testing.js";

let fake: FakeDaemonControl;
let built: ControlApp;

beforeEach(async () => {
  fake = new FakeDaemonControl();
  built = await buildControlApp({ control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger() });
});
afterEach(() => built.app.close());

const concrete = (url: string) => url.replace(":id", "pos-0001");
const BAD_HEADERS: readonly (Record<string, string> | undefined)[] = [
  undefined,
  { authorization: "Bearer wrong-token-0123456789abcdef" },
  { authorization: `Bearer ${TEST_TOKEN}x` },
  { authorization: TEST_TOKEN }, // not a bearer scheme
  { authorization: `Basic ${Buffer.from(`u:${TEST_TOKEN}`).toString("base64")}` },
];

describe("bearer token", () => {
  it.each(routes.filter((r) => !r.public).map((r) => [r.method, r.url] as const))(
    "%s %s answers 401 without the right token and changes nothing",
    async (method, url) => {
      const before = JSON.stringify([...fake.positionsById.values(), fake.status_]);
      for (const headers of BAD_HEADERS) {
        const res = await built.app.inject({ method, url: concrete(url) + (url === "/stop" ? "?flatten=true" : ""), ...(headers ? { headers } : {}) });
        expect(res.statusCode).toBe(401);
        expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
        expect(res.json()).toEqual({ error: { code: "unauthorized", message: "missing or wrong bearer token" } });
      }
      expect(fake.calls).toEqual([]);
      expect(JSON.stringify([...fake.positionsById.values(), fake.status_])).toBe(before);
    },
  );

  it("rejects a bad body with 401, not 400, when the token is wrong: auth comes before decoding", async () => {
    const res = await built.app.inject({
      method: "POST", url: "/stop?flatten=maybe", headers: { "content-type": "application/json" }, payload: "{not json",
    });
    expect(res.statusCode).toBe(401);
    expect(fake.calls).toEqual([]);
  });

  it("leaves /health, the UI shell and its vendored libraries open", async () => {
    for (const url of ["/health", "/", "/ui/app.css", "/ui/js/main.js", "/vendor/elk.bundled.js", "/vendor/chart.umd.js"]) {
      const res = await built.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
    }
  });

  it("serves nothing outside runtime/ui through the public UI routes", async () => {
    for (const url of ["/ui/..%2f..%2fpackage.json", "/ui/..%2fhttp%2fserver.ts", "/ui/.hidden", "/ui/js/", "/vendor/__proto__", "/vendor/package.json"]) {
      const res = await built.app.inject({ method: "GET", url });
      expect([401, 403, 404], url).toContain(res.statusCode);
      expect(res.json().error.code).toMatch(/^(unauthorized|forbidden|not_found)$/);
    }
  });

  it("answers unknown routes 401 without a token (no probing) and 404 with one", async () => {
    expect((await built.app.inject({ method: "GET", url: "/admin" })).statusCode).toBe(401);
    const res = await built.app.inject({ method: "GET", url: "/admin", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });

  it("answers a wrong method 401 without a token on data paths (no probing), 405 on public ones", async () => {
    const stop = await built.app.inject({ method: "GET", url: "/stop" });
    expect(stop.statusCode).toBe(401);
    expect(stop.headers.allow).toBeUndefined();
    const health = await built.app.inject({ method: "POST", url: "/health" });
    expect([health.statusCode, health.headers.allow]).toEqual([405, "GET, HEAD"]);
    const root = await built.app.inject({ method: "DELETE", url: "/" });
    expect([root.statusCode, root.headers.allow]).toEqual([405, "GET, HEAD"]);
  });

  it("refuses to start with a short token", async () => {
    await expect(buildControlApp({ control: fake, registry: new Registry(), token: "short", logger: silentLogger() })).rejects.toThrow(/16 characters/);
  });
});

describe("token parsing", () => {
  it("compares whole tokens only", () => {
    const ok = tokenChecker(TEST_TOKEN);
    expect(ok(TEST_TOKEN)).toBe(true);
    expect(ok(TEST_TOKEN.slice(0, -1))).toBe(false);
    expect(ok(`${TEST_TOKEN} `)).toBe(false);
    expect(ok(undefined)).toBe(false);
  });

  it("reads Bearer headers and WebSocket subprotocols", () => {
    expect(bearerToken(`Bearer ${TEST_TOKEN}`)).toBe(TEST_TOKEN);
    expect(bearerToken(`bearer   ${TEST_TOKEN}`)).toBe(TEST_TOKEN);
    expect(bearerToken(`Bearer a b`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(wsToken("/ws", `alphagpt.v1, alphagpt.bearer.${TEST_TOKEN}`)).toBe(TEST_TOKEN);
    expect(wsToken(`/ws?token=${TEST_TOKEN}`, undefined)).toBe(TEST_TOKEN);
    expect(wsToken("/ws", "alphagpt.v1")).toBeUndefined();
  });
});

describe("bind address", () => {
  it("warns for anything but loopback", () => {
    for (const host of ["127.0.0.1", "127.0.0.53", "::1", "localhost"]) expect(exposureWarning(host), host).toBeNull();
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "127.0.0.1.example.com"]) expect(exposureWarning(host), host).toMatch(/not loopback/);
  });
});
