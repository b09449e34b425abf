/**
 * Loopback Solana PubSub WebSocket server (solana-wire.md §5): accountSubscribe, logsSubscribe
 * and slotSubscribe (and their Unsubscribe), with the notification shapes of the fixtures. Fed
 * by `publish` or any iterable of PubSub events. Fault knobs: latency, disconnects, malformed
 * notifications, duplicated notifications. PubSub has no replay: what is sent while a client is
 * away is gone, which is what a source must report as a gap.
 *
 * As a validator does, a subscription only exists once its subscribe request was answered: a
 * notification is never written before the subscription id it carries, and what is published
 * before that (while a latency-delayed answer is in flight) is not sent to it. A finite feed
 * (`run`) reports how many notifications the server wrote in all once every one of them is out,
 * so a client can tell it has everything without relying on any one notification coming last.
 */
import { WebSocketServer, type WebSocket } from "ws";
import { base58 } from "../../chain/layouts/bytes.js";
import { seededRng } from "../../core/random.js";

export type PubSubEvent =
  | { readonly kind: "account"; readonly pubkey: string; readonly owner: string; readonly lamports: number; readonly data: Uint8Array; readonly slot: number }
  | { readonly kind: "logs"; readonly signature: string; readonly err: unknown; readonly logs: readonly string[]; readonly mentions: readonly string[]; readonly slot: number }
  | { readonly kind: "slot"; readonly slot: number; readonly parent: number; readonly root: number };

export interface PubSubServerOptions {
  readonly latencyMs?: number;
  /** Close each connection after it was sent this many notifications. */
  readonly disconnectAfter?: number;
  readonly disconnectTimes?: number;
  /** Probability a notification is replaced by one whose `value` is not the documented shape. */
  readonly malformedRate?: number;
  readonly duplicateRate?: number;
  readonly seed?: number;
}

export interface PubSubServerStats {
  connections: number;
  subscriptions: number;
  notifications: number;
  /** Notification messages written to sockets (repeats included): what a client can receive. */
  sent: number;
  malformed: number;
  duplicated: number;
  disconnects: number;
}

export interface PubSubServer {
  readonly url: string;
  readonly stats: PubSubServerStats;
  publish(e: PubSubEvent): void;
  /**
   * Publish a feed, yielding to the event loop every `batch` events. Resolves once every
   * notification of it has been written (latency included), with `stats.sent` then: the number
   * of notification messages the server wrote in all.
   */
  run(feed: Iterable<PubSubEvent>, batch?: number): Promise<number>;
  disconnectAll(): void;
  /** Resolves once `n` subscriptions are open (answered, so notifications flow to them). */
  subscribed(n: number): Promise<void>;
  close(): Promise<void>;
}

type Sub = { readonly id: number; readonly ws: WebSocket; readonly method: "account" | "logs" | "slot"; readonly key: string | null; readonly encoding: string };

export async function startPubSubServer(opts: PubSubServerOptions = {}): Promise<PubSubServer> {
  const stats: PubSubServerStats = { connections: 0, subscriptions: 0, notifications: 0, sent: 0, malformed: 0, duplicated: 0, disconnects: 0 };
  const rng = seededRng(opts.seed ?? 5);
  const subs = new Map<number, Sub>();
  const sentBy = new Map<WebSocket, number>();
  let nextId = 1;
  let disconnectBudget = opts.disconnectTimes ?? Number.POSITIVE_INFINITY;
  const waiters: { n: number; resolve: () => void }[] = [];
  /** Writes waiting out `latencyMs`, and who waits for there to be none. */
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const port = (wss.address() as { port: number }).port;

  /** Write `body` (after `latencyMs`); `then` runs right after it was written, if it was. */
  const send = (ws: WebSocket, body: unknown, then?: () => void): void => {
    const text = JSON.stringify(body);
    const go = (): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(text);
      then?.();
    };
    if ((opts.latencyMs ?? 0) > 0) {
      inFlight++;
      setTimeout(() => {
        go();
        if (--inFlight === 0) for (const r of drained.splice(0)) r();
      }, opts.latencyMs).unref();
    } else go();
  };
  const allWritten = (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => drained.push(r)));
  const counted = (): void => void stats.sent++;

  const notify = (sub: Sub, method: string, result: unknown): void => {
    const malformed = rng.next() < (opts.malformedRate ?? 0);
    if (malformed) stats.malformed++;
    const body = { jsonrpc: "2.0", method, params: { result: malformed ? { context: { slot: "not a slot" }, value: 42 } : result, subscription: sub.id } };
    send(sub.ws, body, counted);
    stats.notifications++;
    if (!malformed && rng.next() < (opts.duplicateRate ?? 0)) {
      stats.duplicated++;
      send(sub.ws, body, counted);
    }
    const n = (sentBy.get(sub.ws) ?? 0) + 1;
    sentBy.set(sub.ws, n);
    if (opts.disconnectAfter !== undefined && n === opts.disconnectAfter && disconnectBudget > 0) {
      disconnectBudget--;
      stats.disconnects++;
      const cut = (): void => sub.ws.terminate();
      if ((opts.latencyMs ?? 0) > 0) setTimeout(cut, opts.latencyMs).unref();
      else setImmediate(cut);
    }
  };

  const accountValue = (e: Extract<PubSubEvent, { kind: "account" }>, encoding: string) => ({
    data: encoding === "base58" ? [base58(e.data), "base58"] : [Buffer.from(e.data).toString("base64"), "base64"],
    executable: false,
    lamports: e.lamports,
    owner: e.owner,
    rentEpoch: 18446744073709551615,
    space: e.data.length,
  });

  const publish = (e: PubSubEvent): void => {
    for (const sub of subs.values()) {
      if (e.kind === "account" && sub.method === "account" && sub.key === e.pubkey) {
        notify(sub, "accountNotification", { context: { slot: e.slot }, value: accountValue(e, sub.encoding) });
      } else if (e.kind === "logs" && sub.method === "logs" && (sub.key === null || e.mentions.includes(sub.key))) {
        notify(sub, "logsNotification", { context: { slot: e.slot }, value: { signature: e.signature, err: e.err, logs: e.logs } });
      } else if (e.kind === "slot" && sub.method === "slot") {
        notify(sub, "slotNotification", { parent: e.parent, root: e.root, slot: e.slot });
      }
    }
  };

  wss.on("connection", (ws) => {
    stats.connections++;
    ws.on("close", () => {
      for (const [id, s] of subs) if (s.ws === ws) subs.delete(id);
      sentBy.delete(ws);
    });
    ws.on("message", (raw) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return send(ws, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
      }
      if (msg.id === undefined) return; // the client's keep-alive "ping" has no id
      const params = Array.isArray(msg.params) ? (msg.params as unknown[]) : [];
      const method = String(msg.method);
      // The subscription goes live only once its answer is written: nothing published before
      // can reach the client ahead of the id it would carry.
      const subscribe = (kind: Sub["method"], key: string | null, encoding = "base64"): void => {
        const id = nextId++;
        send(ws, { jsonrpc: "2.0", result: id, id: msg.id }, () => {
          subs.set(id, { id, ws, method: kind, key, encoding });
          stats.subscriptions++;
          for (const w of [...waiters]) if (subs.size >= w.n) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
        });
      };
      if (method === "accountSubscribe" && typeof params[0] === "string") {
        return subscribe("account", params[0], String((params[1] as { encoding?: string } | undefined)?.encoding ?? "base64"));
      }
      if (method === "logsSubscribe") {
        const f = params[0];
        const mentions = typeof f === "object" && f !== null ? (f as { mentions?: unknown }).mentions : undefined;
        if (Array.isArray(mentions) && mentions.length !== 1) {
          return send(ws, { jsonrpc: "2.0", error: { code: -32602, message: "Invalid Request: Only 1 address supported" }, id: msg.id });
        }
        return subscribe("logs", Array.isArray(mentions) ? String(mentions[0]) : null);
      }
      if (method === "slotSubscribe") return subscribe("slot", null);
      if (/^(account|logs|slot)Unsubscribe$/.test(method)) {
        const removed = subs.delete(Number(params[0]));
        return send(ws, { jsonrpc: "2.0", result: removed, id: msg.id });
      }
      send(ws, { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: msg.id });
    });
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    stats,
    publish,
    async run(feed, batch = 200) {
      let n = 0;
      for (const e of feed) {
        publish(e);
        if (++n % batch === 0) await new Promise((r) => setImmediate(r));
      }
      await allWritten();
      return stats.sent;
    },
    disconnectAll() {
      for (const ws of wss.clients) ws.terminate();
    },
    subscribed(n) {
      return subs.size >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      for (const r of drained.splice(0)) r();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
