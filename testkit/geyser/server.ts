/**
 * Loopback Yellowstone Geyser gRPC server (solana-wire.md §7.3, variant A). Fed by any iterable
 * of SubscribeUpdates; subscribers get what their account/transaction/slot filters match, pings,
 * pongs for their pings, and `from_slot` replay out of a bounded buffer. Fault knobs: latency,
 * disconnects, malformed account data, duplicated and reordered updates.
 */
import * as grpc from "@grpc/grpc-js";
import { SubscribeUpdate, type SubscribeRequest } from "../../streams/geyser/wire.js";
import { FaultInjector, type FaultCounts, type FeedFaults } from "./faults.js";
import { matchingFilters, setsFilters } from "./filters.js";
import { ReplayBuffer, updateSlot } from "./replay-buffer.js";
import { geyserService } from "./service.js";
import { unaryHandlers } from "./unary.js";

export interface GeyserServerOptions {
  readonly feed?: Iterable<SubscribeUpdate> | AsyncIterable<SubscribeUpdate>;
  /** Pump the whole feed once a subscriber has set filters (default true); else call `pump`. */
  readonly autoStart?: boolean;
  /** Slots kept for `from_slot` replay (default 150, one minute). */
  readonly replaySlots?: number;
  /** Required `x-token` metadata, when set. */
  readonly token?: string;
  /** Server pings every this many ms (default 10 000; 0 = never). */
  readonly pingIntervalMs?: number;
  /** Delay added to every message to a subscriber. */
  readonly latencyMs?: number;
  /** End a subscription with UNAVAILABLE after it was sent this many updates. */
  readonly disconnectAfter?: number;
  /** How many subscriptions `disconnectAfter` applies to (default all). */
  readonly disconnectTimes?: number;
  readonly faults?: FeedFaults;
}

export interface GeyserServerStats {
  subscribes: number;
  active: number;
  fed: number;
  published: number;
  sent: number;
  replayed: number;
  disconnects: number;
  rejectedFromSlot: number;
  pongs: number;
  readonly faults: FaultCounts;
  lastRequest: SubscribeRequest | null;
}

export interface GeyserServer {
  /** `http://127.0.0.1:<port>`, what the napi client takes. */
  readonly endpoint: string;
  readonly stats: GeyserServerStats;
  readonly buffer: ReplayBuffer;
  /** Resolves once the feed is exhausted and published. */
  readonly feedDone: Promise<void>;
  /** Inject one update (through the faults and the buffer) without a feed. */
  publish(u: SubscribeUpdate): void;
  /** Consume up to `max` feed updates; resolves with how many were consumed. */
  pump(max?: number): Promise<number>;
  /** Consume the rest of the feed in the background. */
  start(): void;
  /** End every subscription with UNAVAILABLE, as a provider restart would. */
  disconnectAll(details?: string): void;
  /** While false, new subscriptions fail with UNAVAILABLE. */
  setAccepting(on: boolean): void;
  /** While true, open streams hear nothing (no updates, pings or pongs): a hung provider. */
  setMuted(on: boolean): void;
  close(): Promise<void>;
}

interface Sub {
  readonly call: grpc.ServerDuplexStream<SubscribeRequest, SubscribeUpdate | Uint8Array>;
  req: SubscribeRequest | null;
  sent: number;
  closed: boolean;
}

/** End a server stream with a status: grpc-js sends the status of an emitted 'error'. */
function endWithStatus(call: grpc.ServerDuplexStream<SubscribeRequest, SubscribeUpdate | Uint8Array>, code: grpc.status, details: string): void {
  call.emit("error", Object.assign(new Error(details), { code, details }));
}

export async function startGeyserServer(opts: GeyserServerOptions = {}): Promise<GeyserServer> {
  const stats: GeyserServerStats = { subscribes: 0, active: 0, fed: 0, published: 0, sent: 0, replayed: 0, disconnects: 0, rejectedFromSlot: 0, pongs: 0, faults: { malformed: 0, duplicated: 0, reordered: 0 }, lastRequest: null };
  const buffer = new ReplayBuffer(opts.replaySlots ?? 150);
  const faults = new FaultInjector(opts.faults);
  const subs = new Set<Sub>();
  let accepting = true;
  let muted = false;
  let disconnectBudget = opts.disconnectTimes ?? Number.POSITIVE_INFINITY;

  const drop = (sub: Sub, details: string): void => {
    if (sub.closed) return;
    sub.closed = true;
    subs.delete(sub);
    stats.active = subs.size;
    stats.disconnects++;
    endWithStatus(sub.call, grpc.status.UNAVAILABLE, details);
  };

  const write = (sub: Sub, msg: SubscribeUpdate | Uint8Array): void => {
    const send = (): void => {
      if (sub.closed || muted) return;
      sub.call.write(msg);
    };
    if ((opts.latencyMs ?? 0) > 0) setTimeout(send, opts.latencyMs).unref();
    else send();
  };

  /** Deliver one update to one subscriber if its filters match. */
  const deliver = (sub: Sub, u: SubscribeUpdate): void => {
    if (sub.req === null || sub.closed) return;
    const names = matchingFilters(sub.req, u);
    if (names.length === 0) return;
    write(sub, { ...u, filters: names });
    sub.sent++;
    stats.sent++;
    if (opts.disconnectAfter !== undefined && sub.sent >= opts.disconnectAfter && disconnectBudget > 0) {
      disconnectBudget--;
      // Right behind the Nth write (grpc-js flushes queued writes before the status).
      const cut = (): void => drop(sub, "loopback: injected disconnect");
      if ((opts.latencyMs ?? 0) > 0) setTimeout(cut, opts.latencyMs).unref();
      else cut();
    }
  };

  const publishOne = (u: SubscribeUpdate): void => {
    stats.published++;
    const slot = updateSlot(u);
    if (slot !== null) buffer.push(slot, u);
    for (const sub of subs) deliver(sub, u);
  };

  const publish = (u: SubscribeUpdate): void => {
    stats.fed++;
    for (const x of faults.apply(u)) publishOne(x);
    Object.assign(stats.faults, faults.counts);
  };

  // The feed: one iterator, consumed by `pump` calls chained one after another.
  const iterator = opts.feed === undefined ? null : Symbol.asyncIterator in opts.feed ? opts.feed[Symbol.asyncIterator]() : (opts.feed as Iterable<SubscribeUpdate>)[Symbol.iterator]();
  let feedEnded = iterator === null;
  let resolveDone: () => void = () => {};
  const feedDone = new Promise<void>((r) => (resolveDone = r));
  if (feedEnded) resolveDone();
  let chain: Promise<number> = Promise.resolve(0);
  let closed = false;

  const pump = (max = Number.POSITIVE_INFINITY): Promise<number> => {
    chain = chain.then(async () => {
      let n = 0;
      while (!feedEnded && !closed && n < max) {
        const r = await (iterator as Iterator<SubscribeUpdate> | AsyncIterator<SubscribeUpdate>).next();
        if (r.done === true) {
          feedEnded = true;
          for (const x of faults.drain()) publishOne(x);
          resolveDone();
          break;
        }
        publish(r.value);
        n++;
        // Yield now and then so that subscribers' sockets drain and timers run.
        if (n % 256 === 0) await new Promise((res) => setImmediate(res));
      }
      return n;
    });
    return chain;
  };
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    void pump();
  };

  const server = new grpc.Server();
  server.addService(geyserService, {
    ...unaryHandlers(buffer),
    subscribe(call: grpc.ServerDuplexStream<SubscribeRequest, SubscribeUpdate | Uint8Array>) {
      stats.subscribes++;
      const sub: Sub = { call, req: null, sent: 0, closed: false };
      if (!accepting) return endWithStatus(call, grpc.status.UNAVAILABLE, "loopback: not accepting subscriptions");
      if (opts.token !== undefined && call.metadata.get("x-token")[0] !== opts.token) {
        return endWithStatus(call, grpc.status.UNAUTHENTICATED, "x-token missing or invalid");
      }
      // The napi client waits for response headers before `subscribe()` resolves.
      call.sendMetadata(new grpc.Metadata());
      const gone = (): void => {
        sub.closed = true;
        subs.delete(sub);
        stats.active = subs.size;
      };
      call.on("end", gone);
      call.on("cancelled", gone);
      call.on("error", gone);
      call.on("close", gone);
      call.on("data", (req: SubscribeRequest) => {
        if (req.ping !== undefined) {
          stats.pongs++;
          write(sub, SubscribeUpdate.fromPartial({ pong: { id: req.ping.id }, createdAt: new Date() }));
        }
        // The client's first message is an empty request: no filters, nothing to do.
        if (!setsFilters(req)) return;
        stats.lastRequest = req;
        const first = sub.req === null;
        sub.req = req;
        if (first && req.fromSlot !== undefined) {
          const from = Number(req.fromSlot);
          const replay = buffer.since(from);
          if (replay === null) {
            stats.rejectedFromSlot++;
            const details = `from_slot ${from} is not available, first available slot: ${buffer.firstAvailable}`;
            return endWithStatus(call, grpc.status.OUT_OF_RANGE, details);
          }
          for (const b of replay) deliver(sub, b.update);
          stats.replayed += replay.length;
        }
        subs.add(sub);
        stats.active = subs.size;
        if (opts.autoStart ?? true) start();
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  const pingMs = opts.pingIntervalMs ?? 10_000;
  const pinger = pingMs > 0 ? setInterval(() => subs.forEach((s) => write(s, SubscribeUpdate.fromPartial({ ping: {}, createdAt: new Date() }))), pingMs) : null;
  pinger?.unref();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    buffer,
    feedDone,
    publish,
    pump,
    start,
    disconnectAll(details = "loopback: disconnect") {
      for (const s of [...subs]) drop(s, details);
    },
    setAccepting(on) {
      accepting = on;
    },
    setMuted(on) {
      muted = on;
    },
    async close() {
      closed = true;
      if (pinger !== null) clearInterval(pinger);
      for (const s of [...subs]) s.closed = true;
      server.forceShutdown();
    },
  };
}
