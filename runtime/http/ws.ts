/**
 * Live push over WebSocket at `/ws`: every ControlEvent goes to every client as one JSON message.
 * The token is checked on the upgrade request, before any frame; a client that cannot keep up
 * is dropped (it reconnects and refetches) instead of growing our memory.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { WS_PROTOCOL, wsToken } from "./auth.js";
import type { ControlEvents } from "./control-port.js";

export interface WsOptions {
  readonly server: Server;
  readonly events: ControlEvents;
  readonly authorized: (token: string | undefined) => boolean;
  /** Scrub secrets from outgoing text, like every HTTP response. */
  readonly scrub: (text: string) => string;
  readonly onError: (message: string, fields: Record<string, unknown>) => void;
  /** Drop a client whose unsent data exceeds this. */
  readonly maxBufferedBytes?: number;
  readonly pingIntervalMs?: number;
}

export interface WsHub {
  clients(): number;
  close(): void;
}

export function attachWebSocket(opts: WsOptions): WsHub {
  const maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024, // clients only ever send pings
    // Answer with our protocol name, never the token-carrying one.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const alive = new WeakSet<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/ws") return reject(socket, 404, "not_found", "no WebSocket here");
    if (!opts.authorized(wsToken(req.url, req.headers["sec-websocket-protocol"]))) {
      return reject(socket, 401, "unauthorized", "missing or wrong token");
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  opts.server.on("upgrade", onUpgrade);

  wss.on("connection", (ws) => {
    alive.add(ws);
    ws.on("pong", () => alive.add(ws));
    ws.on("error", (e) => opts.onError("websocket client error", { error: e.message }));
    ws.send(JSON.stringify({ type: "hello" }));
  });

  const unsubscribe = opts.events.subscribe((event) => {
    if (wss.clients.size === 0) return;
    const text = opts.scrub(JSON.stringify(event));
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) {
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  });

  // A client that vanished without a close frame is found by a missed pong.
  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, opts.pingIntervalMs ?? 30_000);
  ping.unref();

  return {
    clients: () => wss.clients.size,
    close: () => {
      clearInterval(ping);
      unsubscribe();
      opts.server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function reject(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 401 ? "Unauthorized" : "Not Found";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
