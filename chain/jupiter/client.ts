/**
 * Raw Jupiter swap/v1 endpoints: GET /quote and POST /swap, each answer checked for status and
 * decoded with its Schema. The undecoded JSON is kept too: /swap wants the quote echoed as sent.
 */
import { Effect, Schema } from "effect";
import { httpExchange } from "../rpc/http.js";
import type { JupiterConfig } from "./config.js";
import { excerpt, fromHttpStatus, fromTransport, JupiterDecodeError, type JupiterEndpoint, type JupiterError } from "./errors.js";
import type { QuoteRequest } from "./parse.js";
import { QuoteResponse, SwapResponse, type QuoteResponseWire, type SwapRequestBody, type SwapResponseWire } from "./wire.js";

export interface Decoded<W> {
  readonly wire: W;
  readonly raw: unknown;
}

export interface JupiterClient {
  readonly getQuote: (req: QuoteRequest) => Effect.Effect<Decoded<QuoteResponseWire>, JupiterError>;
  readonly postSwap: (body: SwapRequestBody, mints: { inputMint: string; outputMint: string }) => Effect.Effect<Decoded<SwapResponseWire>, JupiterError>;
}

export function makeJupiterClient(cfg: JupiterConfig): JupiterClient {
  const base = cfg.baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = cfg.apiKey === "" ? {} : { "x-api-key": cfg.apiKey };

  const exchange = <S extends Schema.Top & { readonly DecodingServices: never }>(
    endpoint: JupiterEndpoint,
    req: { url: string; method: "GET" | "POST"; body?: string },
    schema: S,
    mints: { inputMint: string; outputMint: string },
  ) =>
    Effect.gen(function* () {
      const reply = yield* httpExchange({ ...req, headers, timeoutMs: cfg.timeoutMs }).pipe(Effect.mapError((e) => fromTransport(endpoint, e)));
      const statusError = fromHttpStatus(endpoint, reply, mints);
      if (statusError !== null) return yield* Effect.fail(statusError);
      const bad = (message: string) => new JupiterDecodeError({ message: `jupiter ${endpoint}: ${message}`, endpoint, excerpt: excerpt(reply.text), retryable: false });
      let raw: unknown;
      try {
        raw = JSON.parse(reply.text);
      } catch {
        return yield* Effect.fail(bad("body is not JSON"));
      }
      const wire = (yield* Schema.decodeUnknownEffect(schema)(raw).pipe(Effect.mapError((e) => bad(`unexpected body: ${e.message}`)))) as S["Type"];
      return { wire, raw };
    });

  return {
    getQuote: (req) => {
      const q = new URLSearchParams({
        inputMint: req.inputMint,
        outputMint: req.outputMint,
        amount: req.amount.toString(),
        slippageBps: String(req.slippageBps),
        swapMode: "ExactIn",
        restrictIntermediateTokens: "true",
      });
      return exchange("quote", { url: `${base}/quote?${q.toString()}`, method: "GET" }, QuoteResponse, req);
    },
    postSwap: (body, mints) => exchange("swap", { url: `${base}/swap`, method: "POST", body: JSON.stringify(body) }, SwapResponse, mints),
  };
}
