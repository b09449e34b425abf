/**
 * The control server: Fastify with the route table, bearer auth, JSON errors, the web UI, the
 * WebSocket push and upstream's stop file. Secure by default (DESIGN principle 7): loopback
 * unless told otherwise, a token on everything but `/health` and the UI shell, secrets scrubbed
 * from every response body.
 */
import { fastify, type FastifyInstance } from "fastify";
import { Counter, type Registry } from "prom-client";
import type { Logger } from "../log.js";
import { scrub } from "../log.js";
import { bearerToken, tokenChecker } from "./auth.js";
import type { DaemonControl } from "./control-port.js";
import { httpError, toHttpError } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import { routes } from "./routes.js";
import { registerUi } from "./static.js";
import { watchStopFile, withStopFile, type StopFileWatcher } from "./stop-file.js";
import { attachWebSocket } from "./ws.js";

export interface ControlServerOptions {
  readonly control: DaemonControl;
  /** Served at /metrics; the server adds `alphagpt_http_requests_total` to it. */
  readonly registry: Registry;
  /** The bearer token (at least 16 characters). */
  readonly token: string;
  readonly logger: Logger;
  /** Default 127.0.0.1; anything not loopback is logged as a warning. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Values never to appear in a response (config secrets); the token is always included. */
  readonly secrets?: readonly string[];
  /** `config.stopSignalPath`: watch upstream's stop file there; resume deletes it. */
  readonly stopSignalPath?: string;
  readonly stopFilePollMs?: number;
  readonly version?: string;
  /** Where the UI files are; default runtime/ui. */
  readonly uiDir?: string;
}

export interface ControlApp {
  readonly app: FastifyInstance;
  /** The control the routes call: the given one, with resume clearing the stop file. */
  readonly control: DaemonControl;
  readonly stopFile: StopFileWatcher | null;
}

export interface ControlServer extends ControlApp {
  /** `http://host:port`, for logs and the browser. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The warning to log for a bind address reachable from other machines; null for loopback. */
export function exposureWarning(host: string): string | null {
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return null;
  return `control API bound to ${host}, not loopback: anyone who can reach it and holds the token controls the daemon`;
}

/** The app without listening: tests drive it with `app.inject`. */
export async function buildControlApp(opts: ControlServerOptions): Promise<ControlApp> {
  const authorized = tokenChecker(opts.token);
  const secrets = [opts.token, ...(opts.secrets ?? [])];
  const clean = (text: string) => scrub(text, secrets);
  const log = opts.logger.child({ component: "http" });

  const stopFile = opts.stopSignalPath
    ? watchStopFile({
        path: opts.stopSignalPath,
        control: opts.control,
        log: (level, msg, fields) => log[level](fields, msg),
        ...(opts.stopFilePollMs !== undefined ? { pollMs: opts.stopFilePollMs } : {}),
      })
    : null;
  const control = stopFile ? withStopFile(opts.control, stopFile) : opts.control;

  // Our own logging only: Fastify's request log would print URLs and headers.
  const app = fastify({ logger: false, bodyLimit: 16 * 1024, return503OnClosing: true });
  const requests = httpRequestsCounter(opts.registry);

  app.addHook("onRequest", async (req, reply) => {
    if ((req.routeOptions.config as { public?: boolean }).public === true) return;
    if (authorized(bearerToken(req.headers.authorization))) return;
    const { status, body } = httpError(401, "unauthorized", "missing or wrong bearer token");
    await reply.status(status).header("www-authenticate", 'Bearer realm="alphagpt"').send(body);
    return reply;
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer").header("x-frame-options", "DENY");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return typeof payload === "string" ? clean(payload) : payload;
  });
  app.addHook("onResponse", async (req, reply) => {
    requests.inc({ method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) });
  });
  app.setErrorHandler(async (err, req, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) log.error({ err, method: req.method, route: req.routeOptions.url }, "control request failed");
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (_req, reply) => {
    const { status, body } = httpError(404, "not_found", "no such route");
    return reply.status(status).send(body);
  });

  const sealMethods = methodNotAllowed(app);
  const version = opts.version ?? "0.1.0";
  let doc: object | undefined;
  const deps = { control, registry: opts.registry, openapi: () => (doc ??= openApiDocument(routes, version)) };
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      config: { public: r.public },
      handler: async (req, reply) => {
        const out = await r.run({ params: req.params, query: req.query, body: req.body }, deps);
        if (r.produces === "text") reply.type(opts.registry.contentType);
        return out;
      },
    });
  }
  await registerUi(app, opts.uiDir);
  sealMethods();

  const hub = attachWebSocket({
    server: app.server,
    events: control.events,
    authorized,
    scrub: clean,
    onError: (msg, fields) => log.warn(fields, msg),
  });
  app.addHook("preClose", async () => {
    hub.close();
    stopFile?.close();
  });
  return { app, control, stopFile };
}

/** Build, listen, and warn when reachable from outside this machine. */
export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const host = opts.host ?? "127.0.0.1";
  const built = await buildControlApp(opts);
  const log = opts.logger.child({ component: "http" });
  const warning = exposureWarning(host);
  if (warning) log.warn({ host }, warning);
  try {
    await built.app.listen({ host, port: opts.port ?? 8787 });
  } catch (e) {
    await built.app.close(); // the stop-file timer and the event subscription go with it
    throw e;
  }
  void built.stopFile?.check(); // a file left while the daemon was down applies at once
  const address = built.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (opts.port ?? 8787);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url }, "control API and dashboard listening");
  return { ...built, url, port, close: () => built.app.close() };
}

const METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] as const;

/**
 * A path served under other methods answers 405 with `Allow` rather than the not-found 404. Call
 * before adding routes; the returned function adds the 405 routes once all are in (UI included).
 * Each 405 route is public exactly when its path is: without the token a data path stays 401,
 * like an unknown one, so a 405 never tells an unauthenticated caller which paths exist.
 */
function methodNotAllowed(app: FastifyInstance): () => void {
  const byUrl = new Map<string, { readonly methods: Set<string>; public: boolean }>();
  let sealed = false;
  app.addHook("onRoute", (r) => {
    if (sealed) return;
    const entry = byUrl.get(r.url) ?? { methods: new Set<string>(), public: true };
    for (const m of [r.method].flat()) entry.methods.add(m);
    entry.public &&= (r.config as { public?: boolean } | undefined)?.public === true;
    byUrl.set(r.url, entry);
  });
  return () => {
    sealed = true;
    for (const [url, { methods, public: isPublic }] of byUrl) {
      const allow = METHODS.filter((m) => methods.has(m)).join(", ");
      app.route({
        method: METHODS.filter((m) => !methods.has(m)),
        url,
        config: { public: isPublic },
        handler: async (req, reply) => {
          const { status, body } = httpError(405, "method_not_allowed", `${req.method} not allowed here; allowed: ${allow}`);
          return reply.status(status).header("allow", allow).send(body);
        },
      });
    }
  };
}

function httpRequestsCounter(registry: Registry): Counter<"method" | "route" | "status"> {
  const name = "alphagpt_http_requests_total";
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<"method" | "route" | "status">;
  return new Counter({ name, help: "Control API requests by route and status", labelNames: ["method", "route", "status"], registers: [registry] });
}
