/**
 * A loopback HTTP server with the fault knobs every REST fake needs: latency, a 429 storm and a
 * random 429 rate (with `Retry-After`), 5xx, malformed bodies (truncated JSON) and dropped
 * connections. Routes are plain functions from a URL and headers to a status and a JSON body.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { seededRng } from "../../core/random.js";

export interface HttpFaults {
  readonly latencyMs?: number;
  /** The first N requests get 429. */
  readonly storm429?: number;
  readonly rate429?: number;
  /** Seconds in `Retry-After` on a 429 (default 1). */
  readonly retryAfterS?: number;
  readonly rate5xx?: number;
  readonly malformedRate?: number;
  readonly disconnectRate?: number;
  readonly seed?: number;
}

export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Route = (url: URL, headers: IncomingHttpHeaders) => HttpReply | null;

export interface FaultyServerStats {
  requests: number;
  ok: number;
  rateLimited: number;
  serverErrors: number;
  malformed: number;
  disconnects: number;
  readonly paths: string[];
}

export interface FaultyServer {
  readonly url: string;
  readonly stats: FaultyServerStats;
  close(): Promise<void>;
}

export async function startFaultyServer(route: Route, faults: HttpFaults = {}): Promise<FaultyServer> {
  const stats: FaultyServerStats = { requests: 0, ok: 0, rateLimited: 0, serverErrors: 0, malformed: 0, disconnects: 0, paths: [] };
  const rng = seededRng(faults.seed ?? 9);
  const server = createServer((req, res) => {
    const n = ++stats.requests;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    stats.paths.push(url.pathname + url.search);
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      const go = (): void => void res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
      if ((faults.latencyMs ?? 0) > 0) setTimeout(go, faults.latencyMs);
      else go();
    };
    // One draw per knob per request, so a seed fixes which requests fail.
    const [r429, r5xx, rMal, rDrop] = [rng.next(), rng.next(), rng.next(), rng.next()];
    if (rDrop < (faults.disconnectRate ?? 0)) {
      stats.disconnects++;
      return void req.socket.destroy();
    }
    if (n <= (faults.storm429 ?? 0) || r429 < (faults.rate429 ?? 0)) {
      stats.rateLimited++;
      return reply(429, JSON.stringify({ success: false, message: "Too many requests" }), { "retry-after": String(faults.retryAfterS ?? 1) });
    }
    if (r5xx < (faults.rate5xx ?? 0)) {
      stats.serverErrors++;
      return reply(rng.next() < 0.5 ? 500 : 503, JSON.stringify({ success: false, message: "Internal server error" }));
    }
    const r = route(url, req.headers) ?? { status: 404, body: { success: false, message: "Not found" } };
    let body = JSON.stringify(r.body);
    if (r.status === 200 && rMal < (faults.malformedRate ?? 0)) {
      stats.malformed++;
      body = body.slice(0, Math.floor(body.length / 2));
    } else if (r.status === 200) stats.ok++;
    reply(r.status, body, { ...r.headers });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
