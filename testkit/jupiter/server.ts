/**
 * The loopback Jupiter (swap/v1): GET {prefix}/quote and POST {prefix}/swap over pools that live
 * on a LoopbackChain, with the `x-api-key` check and failure switches.
 *
 *   const jup = await startJupiterServer({ chain, apiKey: "k" });
 *   const pool = await jup.pools.create({ sol: 100n * LAMPORTS, token: 1_000_000_000_000n });
 *   await jup.pools.setReserves(pool.mint.mint, { sol, token });   // the market moves
 *   jup.faults.script("quote", "http429");
 *   // client base URL: jup.baseUrl (= url + "/swap/v1")
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import { JupiterFaults, type JupiterEndpoint } from "./faults.js";
import { LoopbackPools } from "./pools.js";
import { JupiterHttpError, quoteSwap } from "./quote.js";
import { buildSwap, type SwapResult } from "./swap.js";
import { SlippageTickets } from "./tickets.js";

export interface JupiterServerOptions {
  readonly chain: LoopbackChain;
  /** When set, requests without this `x-api-key` get 401. */
  readonly apiKey?: string;
  readonly prefix?: string;
  readonly faults?: JupiterFaults;
}

export interface JupiterHooks {
  /** After a quote is answered (a test may move the pool here). */
  afterQuote?: ((quote: Record<string, unknown>) => void | Promise<void>) | undefined;
  /** After a swap transaction is built and before it is returned. */
  afterSwap?: ((swap: SwapResult) => void | Promise<void>) | undefined;
}

export interface JupiterServer {
  readonly url: string;
  /** Base URL for the client: url + prefix. */
  readonly baseUrl: string;
  readonly pools: LoopbackPools;
  readonly tickets: SlippageTickets;
  readonly faults: JupiterFaults;
  readonly hooks: JupiterHooks;
  /** Requests per endpoint, faults included. */
  readonly counts: Record<JupiterEndpoint, number>;
  close(): Promise<void>;
}

export async function startJupiterServer(opts: JupiterServerOptions): Promise<JupiterServer> {
  const { chain } = opts;
  const prefix = opts.prefix ?? "/swap/v1";
  const pools = new LoopbackPools(chain);
  const tickets = new SlippageTickets(chain, pools);
  const faults = opts.faults ?? new JupiterFaults();
  const hooks: JupiterHooks = {};
  const counts: Record<JupiterEndpoint, number> = { quote: 0, swap: 0 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const endpoint: JupiterEndpoint | null =
      req.method === "GET" && url.pathname === `${prefix}/quote` ? "quote" : req.method === "POST" && url.pathname === `${prefix}/swap` ? "swap" : null;
    if (endpoint === null) return send(res, 404, { error: "Not found" });
    if (opts.apiKey !== undefined && req.headers["x-api-key"] !== opts.apiKey) return send(res, 401, { message: "Unauthorized" });
    counts[endpoint]++;
    const fault = faults.next(endpoint);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    switch (fault) {
      case "noRoute":
        return send(res, 400, { error: "Could not find any route", errorCode: "COULD_NOT_FIND_ANY_ROUTE" });
      case "notTradable":
        return send(res, 400, { error: "The token is not tradable", errorCode: "TOKEN_NOT_TRADABLE" });
      case "http429":
        return send(res, 429, { message: "Rate limit exceeded" }, { "retry-after": String(faults.retryAfterS) });
      case "http5xx":
        return send(res, 502, "<html>Bad Gateway</html>", { "content-type": "text/html" });
      case "malformedJson":
        return send(res, 200, '{"inputMint":"So1111');
      case "wrongShape":
        return send(res, 200, endpoint === "quote" ? { inputMint: 42, routePlan: "none" } : { swapTransaction: 7 });
      case "timeout":
        return;
      default:
        break;
    }
    try {
      if (endpoint === "quote") {
        const quote = quoteSwap(chain, pools, url.searchParams);
        if (fault === "zeroOut") Object.assign(quote, { outAmount: "0", otherAmountThreshold: "0" });
        await hooks.afterQuote?.(quote);
        return send(res, 200, quote);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(res, 400, { error: "Invalid JSON body", errorCode: "INVALID_REQUEST" });
      }
      const swap = await buildSwap(chain, pools, tickets, body);
      if (fault === "simulationError") Object.assign(swap.body, { simulationError: { errorCode: "TRANSACTION_ERROR", error: "custom program error: 0x1771" } });
      await hooks.afterSwap?.(swap);
      return send(res, 200, swap.body);
    } catch (e) {
      if (e instanceof JupiterHttpError) return send(res, e.status, { error: e.message, errorCode: e.errorCode });
      return send(res, 500, { error: String(e) });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}${prefix}`,
    pools,
    tickets,
    faults,
    hooks,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        tickets.unsubscribe();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
