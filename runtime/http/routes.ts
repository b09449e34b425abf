/**
 * The control API as a table: each route decodes its params, query and body with a Schema and
 * calls the port once (STYLE 9: no logic in handlers). The server registers these and the
 * OpenAPI document is generated from the same table, so the two cannot drift.
 */
import type { Schema } from "effect";
import type { Registry } from "prom-client";
import type { DaemonControl } from "./control-port.js";
import { decoder, IdParams, isFlagSet, NoFields, StopBody, StopQuery, TradesQuery, type Part } from "./decode.js";

export interface RouteDeps {
  readonly control: DaemonControl;
  readonly registry: Registry;
  readonly openapi: () => object;
}

export interface RawInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

export interface Route {
  readonly method: "GET" | "POST";
  /** Fastify syntax (`/positions/:id`). */
  readonly url: string;
  readonly summary: string;
  /** No bearer token needed. */
  readonly public: boolean;
  readonly schemas: Readonly<Partial<Record<Part, Schema.Top>>>;
  /** Statuses besides 200, 400 and 401 this route may answer. */
  readonly errors: readonly number[];
  /** `text` answers with the Prometheus exposition format. */
  readonly produces: "json" | "text";
  readonly run: (input: RawInput, deps: RouteDeps) => Promise<unknown>;
}

type Decoder = Schema.Top & Schema.ConstraintDecoder<unknown>;
type Decoded<S extends Decoder> = S["Type"];

interface Spec<P extends Decoder, Q extends Decoder, B extends Decoder> {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly summary: string;
  readonly public?: boolean;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly errors?: readonly number[];
  readonly produces?: "json" | "text";
  readonly run: (input: { params: Decoded<P>; query: Decoded<Q>; body: Decoded<B> }, deps: RouteDeps) => Promise<unknown>;
}

/** Decoders are built once here; a part with no schema must be empty. */
function route<P extends Decoder = typeof NoFields, Q extends Decoder = typeof NoFields, B extends Decoder = typeof NoFields>(
  spec: Spec<P, Q, B>,
): Route {
  // An absent schema is the empty struct (the defaults of P, Q and B say the same for types).
  const params = (spec.params ?? NoFields) as P;
  const query = (spec.query ?? NoFields) as Q;
  const body = (spec.body ?? NoFields) as B;
  const dp = decoder(params, "params");
  const dq = decoder(query, "query");
  const db = decoder(body, "body");
  return {
    method: spec.method,
    url: spec.url,
    summary: spec.summary,
    public: spec.public ?? false,
    schemas: { params, query, ...(spec.method === "POST" ? { body } : {}) },
    errors: spec.errors ?? [],
    produces: spec.produces ?? "json",
    run: (raw, deps) => spec.run({ params: dp(raw.params), query: dq(raw.query), body: db(raw.body) }, deps),
  };
}

const DEFAULT_TRADES = 100;

export const routes: readonly Route[] = [
  route({ method: "GET", url: "/health", summary: "Liveness; no token needed", public: true, run: (_, d) => d.control.health() }),
  route({ method: "GET", url: "/status", summary: "Mode, state, entries, wallet, feeds, children, strategy, training", errors: [503], run: (_, d) => d.control.status() }),
  route({
    method: "GET", url: "/positions", summary: "Open positions with unrealised PnL at the current price",
    run: async (_, d) => ({ positions: await d.control.positions() }),
  }),
  route({
    method: "GET", url: "/positions/:id", summary: "One position with its transition history", params: IdParams, errors: [404],
    run: ({ params }, d) => d.control.position(params.id),
  }),
  route({
    method: "POST", url: "/positions/:id/exit", summary: "Exit one position", params: IdParams, errors: [404, 409],
    run: async ({ params }, d) => ({ position: await d.control.exitPosition(params.id) }),
  }),
  route({ method: "GET", url: "/strategy", summary: "Active formula: tokens, infix, metrics per split", errors: [404], run: (_, d) => d.control.strategy() }),
  route({ method: "POST", url: "/strategy/reload", summary: "Reload the active strategy from the store", errors: [404, 409, 503], run: (_, d) => d.control.reloadStrategy() }),
  route({
    method: "POST", url: "/stop", summary: "Stop new entries; ?flatten=true also exits every position",
    query: StopQuery, body: StopBody, errors: [409, 503],
    run: ({ query, body }, d) =>
      d.control.stop({ flatten: isFlagSet(query.flatten), source: "api", reason: body.reason ?? "api request" }),
  }),
  route({ method: "POST", url: "/resume", summary: "Allow entries again; clears the stop file", errors: [409, 503], run: (_, d) => d.control.resume() }),
  route({
    method: "GET", url: "/trades", summary: "Trade log, newest first", query: TradesQuery,
    run: async ({ query }, d) => ({ trades: await d.control.trades(query.limit ? Number(query.limit) : DEFAULT_TRADES) }),
  }),
  route({
    method: "GET", url: "/scanner", summary: "Universe snapshot: liquidity, volume, FDV per token",
    run: async (_, d) => ({ tokens: await d.control.scanner() }),
  }),
  route({ method: "GET", url: "/pnl/distribution", summary: "Realised PnL distribution of closed positions", run: (_, d) => d.control.pnlDistribution() }),
  route({ method: "GET", url: "/training", summary: "Trainer progress and score history", run: (_, d) => d.control.training() }),
  route({ method: "GET", url: "/statechart/position", summary: "The position machine's states and transitions, for drawing", run: (_, d) => d.control.machineDefinition() }),
  route({
    method: "GET", url: "/metrics", summary: "Prometheus metrics (token required: they reveal balances and PnL)",
    produces: "text", run: (_, d) => d.registry.metrics(),
  }),
  route({ method: "GET", url: "/openapi.json", summary: "This document", run: async (_, d) => d.openapi() }),
];
