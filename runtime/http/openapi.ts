/**
 * The OpenAPI 3.1 document, generated from the route table and its Effect Schemas (3.1 speaks
 * JSON Schema 2020-12, which is what `Schema.toJsonSchemaDocument` produces).
 */
import { Schema } from "effect";
import type { Route } from "./routes.js";

type Json = Record<string, unknown>;

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Malformed params, query or body; the message names the field",
  401: "Missing or wrong bearer token; nothing was changed",
  404: "Not found",
  409: "Not possible in the current state",
  503: "The daemon cannot answer yet",
};

/** An object schema with the decoder's strictness: excess properties are rejected. */
function objectSchema(schema: Schema.Top): Json {
  const js = Schema.toJsonSchemaDocument(schema).schema as Json;
  return { ...js, additionalProperties: false };
}

function parameters(route: Route): Json[] {
  const out: Json[] = [];
  for (const part of ["params", "query"] as const) {
    const schema = route.schemas[part];
    if (!schema) continue;
    const js = objectSchema(schema);
    const required = new Set((js["required"] as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((js["properties"] as Json | undefined) ?? {})) {
      out.push({ name, in: part === "params" ? "path" : "query", required: part === "params" || required.has(name), schema: prop });
    }
  }
  return out;
}

function operation(route: Route): Json {
  const ok =
    route.produces === "text"
      ? { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } }
      : { description: "OK", content: { "application/json": { schema: { type: "object" } } } };
  const responses: Json = { 200: ok, 400: errorResponse(STATUS_TEXT[400]!) };
  if (!route.public) responses[401] = errorResponse(STATUS_TEXT[401]!);
  for (const status of route.errors) responses[status] = errorResponse(STATUS_TEXT[status] ?? "Error");
  const body = route.schemas.body;
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[/:.]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
    ...(route.public ? { security: [] } : {}),
    parameters: parameters(route),
    ...(body ? { requestBody: { required: false, content: { "application/json": { schema: objectSchema(body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly Route[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation(r) };
  }
  paths["/ws"] = {
    get: {
      summary: "WebSocket upgrade: live status, position, transition, trade and training events (JSON, one per message)",
      description: `Token as the subprotocol "alphagpt.bearer.<token>" (the server answers "alphagpt.v1") or as ?token=.`,
      operationId: "getWs",
      parameters: [{ name: "token", in: "query", required: false, schema: { type: "string" } }],
      responses: { 101: { description: "Switching protocols" }, 401: { description: "Missing or wrong token" } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "AlphaGPT-TS control API",
      version,
      description: "Control and observe the daemon. Every route but /health needs `Authorization: Bearer <token>`. Errors are `{error:{code,message}}`.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } },
          },
        },
      },
    },
  };
}
