/**
 * The live push: the upgrade is refused without the token (before any frame), accepted with it
 * as a subprotocol or a query parameter, and the port's events arrive as JSON, secrets scrubbed.
 */
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { eventually } from "../../testkit/eventually.js";
import { WS_PROTOCOL } from "./auth.js";
import { startControlServer, type ControlServer } from "./server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "./testing.js";

const SECRET = "rpc-api-key-9f8e7d6c5b4a3210";
let fake: FakeDaemonControl;
let server: ControlServer;

beforeEach(async () => {
  fake = new FakeDaemonControl();
  server = await startControlServer({ control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger(), port: 0, secrets: [SECRET] });
});
afterEach(() => server.close());

const wsUrl = (query = "") => `${server.url.replace("http", "ws")}/ws${query}`;

/** Connect and collect messages; resolves once open, rejects with the HTTP status if refused. */
function connect(query: string, protocols: string[]): Promise<{ ws: WebSocket; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(query), protocols);
    const messages: unknown[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    ws.on("open", () => resolve({ ws, messages }));
    ws.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on("error", reject);
  });
}

describe("WebSocket /ws", () => {
  it("refuses the upgrade with 401 for a missing or wrong token", async () => {
    await expect(connect("", [WS_PROTOCOL])).rejects.toThrow("HTTP 401");
    await expect(connect("?token=nope-nope-nope-nope", [WS_PROTOCOL])).rejects.toThrow("HTTP 401");
    await expect(connect("", [WS_PROTOCOL, "alphagpt.bearer.wrong-wrong-wrong-wrong"])).rejects.toThrow("HTTP 401");
  });

  it("accepts the token as a subprotocol, answers alphagpt.v1 (never echoing the token) and pushes events", async () => {
    const { ws, messages } = await connect("", [WS_PROTOCOL, `alphagpt.bearer.${TEST_TOKEN}`]);
    expect(ws.protocol).toBe(WS_PROTOCOL);
    await eventually(() => expect(messages).toEqual([{ type: "hello" }]));
    fake.transition("pos-0001", "trailing", "price.tick", "trailing_armed");
    await eventually(() => expect(messages).toHaveLength(3));
    expect(messages[1]).toMatchObject({ type: "transition", positionId: "pos-0001", transition: { from: "open", to: "trailing", reason: "trailing_armed" } });
    expect(messages[2]).toMatchObject({ type: "position", position: { id: "pos-0001", state: "trailing" } });
    ws.close();
  });

  it("accepts ?token= and scrubs secrets from pushed events", async () => {
    const { ws, messages } = await connect(`?token=${TEST_TOKEN}`, [WS_PROTOCOL]);
    fake.emit({ type: "status", status: { ...fake.status_, children: [{ name: "ingest", state: "failed", restarts: 5, lastError: `401 for ${SECRET}` }] } });
    await eventually(() => expect(messages).toHaveLength(2));
    expect(JSON.stringify(messages)).not.toContain(SECRET);
    ws.close();
  });

  it("unsubscribes from the port when the server closes", async () => {
    expect(fake.listenerCount()).toBe(1);
    await server.close();
    expect(fake.listenerCount()).toBe(0);
    server = await startControlServer({ control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger(), port: 0 });
  });
});
