/**
 * Each route's happy path against the fake port, 400 with the reason for malformed input, the
 * port's tagged errors mapped to status codes, and no secret in any response.
 */
import { Counter, Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlConflictError } from "./errors.js";
import { buildControlApp, type ControlApp } from "./server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "./testing.js";

const SECRET = "wallet-private-key-5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP";
const auth = { authorization: `Bearer ${TEST_TOKEN}` };
let fake: FakeDaemonControl;
let registry: Registry;
let built: ControlApp;

beforeEach(async () => {
  fake = new FakeDaemonControl();
  registry = new Registry();
  new Counter({ name: "alphagpt_test_fills_total", help: "fills", registers: [registry] }).inc(3);
  built = await buildControlApp({ control: fake, registry, token: TEST_TOKEN, logger: silentLogger(), secrets: [SECRET] });
});
afterEach(() => built.app.close());

const get = (url: string) => built.app.inject({ method: "GET", url, headers: auth });
const post = (url: string, payload?: string, type = "application/json") =>
  built.app.inject({ method: "POST", url, headers: payload === undefined ? auth : { ...auth, "content-type": type }, ...(payload === undefined ? {} : { payload }) });

describe("happy paths", () => {
  it("GET /health, /status, /positions, /positions/:id, /strategy", async () => {
    expect((await built.app.inject({ method: "GET", url: "/health" })).json()).toMatchObject({ ok: true, state: "running" });
    expect((await get("/status")).json()).toMatchObject({ mode: "paper", state: "running", entriesEnabled: true, openPositions: 4 });
    const positions = (await get("/positions")).json().positions as { id: string; unrealisedPnlSol: number; qty: number; currentPrice: number; costSol: number }[];
    expect(positions.map((p) => p.id)).toEqual(["pos-0004", "pos-0003", "pos-0002", "pos-0001"]);
    for (const p of positions) expect(p.unrealisedPnlSol).toBeCloseTo(p.qty * p.currentPrice - p.costSol, 9); // current, not peak
    const one = (await get("/positions/pos-0003")).json();
    expect(one.state).toBe("moonbag.running");
    expect(one.transitions.map((t: { to: string }) => t.to)).toEqual(["entering", "open", "tp1", "open", "moonbag.recovering", "moonbag.running"]);
    expect((await get("/strategy")).json()).toMatchObject({ infix: "((RET * LOG_VOL) + PRESSURE)", tokens: ["RET", "LOG_VOL", "MUL", "PRESSURE", "ADD"] });
  });

  it("GET /trades (with limit), /scanner, /pnl/distribution, /training, /statechart/position", async () => {
    expect((await get("/trades?limit=3")).json().trades).toHaveLength(3);
    expect((await get("/trades")).json().trades.length).toBeGreaterThan(3);
    expect((await get("/scanner")).json().tokens[0]).toHaveProperty("liquidityUsd");
    expect((await get("/pnl/distribution")).json().buckets.length).toBeGreaterThan(0);
    expect((await get("/training")).json()).toMatchObject({ running: true, totalSteps: 1000 });
    const chart = (await get("/statechart/position")).json();
    expect(chart.machineId).toBe("position");
    expect(chart.edges.length).toBeGreaterThan(10);
  });

  it("GET /metrics is the registry's Prometheus text, with the API's own request counter", async () => {
    await get("/status");
    const res = await get("/metrics");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toContain("alphagpt_test_fills_total 3");
    expect(res.body).toMatch(/alphagpt_http_requests_total\{method="GET",route="\/status",status="200"\} 1/);
  });

  it("POST /stop stops entries; ?flatten=true also exits every position", async () => {
    expect((await post("/stop")).json()).toEqual({ state: "stopped", entriesEnabled: false, exiting: [] });
    const flat = await post("/stop?flatten=true", JSON.stringify({ reason: "rug watch" }));
    expect(flat.json().exiting).toEqual(["pos-0001", "pos-0002", "pos-0003"]); // pos-0004 was exiting already
    expect(fake.calls).toEqual([
      { method: "stop", request: { flatten: false, source: "api", reason: "api request" } },
      { method: "stop", request: { flatten: true, source: "api", reason: "rug watch" } },
    ]);
    expect((await get("/status")).json()).toMatchObject({ state: "stopped", entriesEnabled: false });
  });

  it("POST /resume, /positions/:id/exit and /strategy/reload call the port once each", async () => {
    await post("/stop");
    expect((await post("/resume")).json()).toEqual({ state: "running", entriesEnabled: true });
    expect((await post("/positions/pos-0001/exit")).json().position).toMatchObject({ id: "pos-0001", state: "exiting", reason: "user" });
    expect((await post("/strategy/reload")).json().id).toBe("strat-2025-01-15-a");
    expect(fake.calls.map((c) => c.method)).toEqual(["stop", "resume", "exitPosition", "reloadStrategy"]);
  });
});

describe("malformed input gets 400 with the reason, and reaches no port method", () => {
  it.each([
    ["POST", "/stop?flatten=maybe", undefined, /query\.flatten: Expected "true" \| "false"/],
    ["POST", "/stop?flatten=true&flatten=false", undefined, /query\.flatten/],
    ["POST", "/stop?hard=1", undefined, /query\.hard: Expected no excess property/],
    ["POST", "/stop", "{not json", /not valid JSON/],
    ["POST", "/stop", JSON.stringify({ reason: 42 }), /body\.reason: Expected string/],
    ["POST", "/stop", JSON.stringify({ reason: "x".repeat(201) }), /body\.reason/],
    ["POST", "/stop", JSON.stringify({ flatten: true }), /body\.flatten: Expected no excess property/],
    ["POST", "/stop", JSON.stringify([1, 2]), /body: Expected/],
    ["POST", "/resume", JSON.stringify({ now: true }), /body\.now/],
    ["POST", "/positions/pos%20bad/exit", undefined, /params\.id: Expected a position id/],
    ["GET", "/positions/..%2F..%2Fetc", undefined, /params\.id/],
    ["GET", "/trades?limit=0", undefined, /query\.limit: Expected an integer from 1 to 1000/],
    ["GET", "/trades?limit=abc", undefined, /query\.limit/],
    ["GET", "/status?verbose=1", undefined, /query\.verbose/],
  ] as const)("%s %s %s", async (method, url, payload, reason) => {
    const res = method === "GET" ? await get(url) : await post(url, payload);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(reason);
    expect(fake.calls).toEqual([]);
  });

  it("rejects a body too large (413) and an unknown content type (415)", async () => {
    expect((await post("/stop", JSON.stringify({ reason: "x".repeat(20_000) }))).statusCode).toBe(413);
    const res = await post("/stop", "<stop/>", "application/xml");
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("unsupported_media_type");
  });
});

describe("port errors map to status codes", () => {
  it("404 for an unknown position or no strategy, 409 for a closed one, 503 while unavailable", async () => {
    expect((await get("/positions/pos-9999")).statusCode).toBe(404);
    fake.transition("pos-0001", "closed", "xstate.done.actor.sell", "trailing_stop");
    const conflict = await post("/positions/pos-0001/exit");
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({ error: { code: "conflict", message: "position pos-0001 is already closed" } });
    fake.strategy_ = null;
    expect((await get("/strategy")).json().error.code).toBe("not_found");
    fake.unavailable = "starting: reconciling positions with the chain";
    const res = await get("/status");
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({ code: "unavailable", message: "starting: reconciling positions with the chain" });
  });

  it("a bug in the port is a 500 with no details", async () => {
    fake.resume = () => Promise.reject(new TypeError(`cannot read x of undefined near ${SECRET}`));
    const res = await post("/resume");
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: "internal", message: "internal error (see the daemon log)" } });
  });
});

describe("a path served under another method", () => {
  it("answers 405 with Allow and the allowed methods, and reaches no port method", async () => {
    const stop = await get("/stop");
    expect(stop.statusCode).toBe(405);
    expect(stop.headers.allow).toBe("POST");
    expect(stop.json()).toEqual({ error: { code: "method_not_allowed", message: "GET not allowed here; allowed: POST" } });
    const exit = await get("/positions/pos-0001/exit");
    expect([exit.statusCode, exit.headers.allow]).toEqual([405, "POST"]);
    const status = await built.app.inject({ method: "DELETE", url: "/status", headers: auth });
    expect([status.statusCode, status.headers.allow]).toEqual([405, "GET, HEAD"]);
    expect(status.json().error.message).toBe("DELETE not allowed here; allowed: GET, HEAD");
    const ui = await built.app.inject({ method: "POST", url: "/ui/app.css" });
    expect([ui.statusCode, ui.headers.allow]).toEqual([405, "GET, HEAD"]);
    expect(fake.calls).toEqual([]);
  });

  it("still answers 404 for a path no method serves", async () => {
    const res = await post("/stopp");
    expect(res.statusCode).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json()).toEqual({ error: { code: "not_found", message: "no such route" } });
  });
});

describe("secrets", () => {
  it("never appear in a response, even when the daemon puts one in a message", async () => {
    fake.status_ = { ...fake.status_, children: [{ name: "executor", state: "restarting", restarts: 2, lastError: `rpc 401 for key ${SECRET} and ${TEST_TOKEN}` }] };
    fake.exitPosition = () => Promise.reject(new ControlConflictError({ message: `signer ${SECRET} busy` }));
    const bodies = [(await get("/status")).body, (await post("/positions/pos-0001/exit")).body, (await get("/openapi.json")).body];
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(TEST_TOKEN);
    }
    expect(bodies[0]).toContain("[redacted]");
  });

  it("sends no-store and anti-sniffing headers on API answers", async () => {
    const res = await get("/status");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });
});
