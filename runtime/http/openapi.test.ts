/**
 * The OpenAPI document lists every API route the server registers (and only those, besides
 * the UI shell), with the decoders' parameters and the error statuses each route can answer.
 */
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "./routes.js";
import { buildControlApp, type ControlApp } from "./server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "./testing.js";

/** Served but not API: the UI shell and its vendored scripts. */
const UI_ROUTES = [{ method: "GET", url: "/" }, { method: "GET", url: "/ui/*" }, { method: "GET", url: "/vendor/:file" }] as const;

let built: ControlApp;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown[]; parameters: { name: string; in: string }[]; responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { securitySchemes: Record<string, unknown> };
};

beforeAll(async () => {
  built = await buildControlApp({ control: new FakeDaemonControl(), registry: new Registry(), token: TEST_TOKEN, logger: silentLogger() });
  await built.app.ready();
  const res = await built.app.inject({ method: "GET", url: "/openapi.json", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => built.app.close());

const openApiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}");

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with bearer security, and documents the WebSocket", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes["bearer"]).toEqual({ type: "http", scheme: "bearer" });
    expect(doc.paths["/ws"]?.["get"]).toBeDefined();
    expect(doc.paths["/health"]?.["get"]?.security).toEqual([]);
  });

  it("has an operation for every registered API route, and the server registers nothing else", () => {
    for (const r of routes) {
      expect(built.app.hasRoute({ method: r.method, url: r.url }), r.url).toBe(true);
      expect(doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    for (const r of UI_ROUTES) expect(built.app.hasRoute(r), r.url).toBe(true);
    // What Fastify actually holds: one path per table or UI route (their URLs are distinct), nothing
    // more, each under every method (those not in the table answer 405).
    const tree = built.app.printRoutes({ commonPrefix: false });
    const methodsPerPath = [...tree.matchAll(/\(([A-Z, ]+)\)/g)].map((m) => m[1]!.split(", ").sort().join());
    expect(methodsPerPath).toEqual(Array(routes.length + UI_ROUTES.length).fill("DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"));
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("carries the decoders' parameters and each route's error statuses", () => {
    const stop = doc.paths["/stop"]!["post"]!;
    expect(stop.parameters).toEqual([expect.objectContaining({ name: "flatten", in: "query" })]);
    expect(stop.requestBody).toBeDefined();
    expect(Object.keys(stop.responses)).toEqual(expect.arrayContaining(["200", "400", "401"]));
    const exit = doc.paths["/positions/{id}/exit"]!["post"]!;
    expect(exit.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(Object.keys(exit.responses)).toEqual(expect.arrayContaining(["404", "409"]));
    expect(doc.paths["/metrics"]!["get"]!.responses["200"]).toMatchObject({ content: { "text/plain": {} } });
  });
});
