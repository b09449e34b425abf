/**
 * The loopback Solana JSON-RPC server: HTTP POST on 127.0.0.1, JSON-RPC 2.0 (single and batch),
 * chain state in a LoopbackChain (LiteSVM), failure switches from RpcFaults.
 *
 *   const chain = new LoopbackChain({ blockhashValidity: 20 });
 *   chain.startTicker(10);                       // or chain.advance(n) by hand
 *   const rpc = await startSolanaRpcServer({ chain });
 *   rpc.faults.script("sendTransaction", "landThenTimeout");
 *   ... rpc.url ...
 *   await rpc.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LoopbackChain } from "./chain.js";
import { RpcFaults, type RpcFault } from "./faults.js";
import { decodeTxParam, makeMethods, RpcMethodError, U64_MAX_MARKER } from "./methods.js";
import { decodeWireTx } from "./wire-tx.js";

export interface SolanaRpcServerOptions {
  readonly chain: LoopbackChain;
  readonly faults?: RpcFaults;
  readonly host?: string;
  readonly port?: number;
}

export interface SolanaRpcServer {
  readonly url: string;
  readonly chain: LoopbackChain;
  readonly faults: RpcFaults;
  /** Every method called, in order (batch members included). */
  readonly calls: string[];
  /** The signature of every sendTransaction received, resends and dropped ones included. */
  readonly sent: string[];
  close(): Promise<void>;
}

interface RpcRequest {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

const RATE_LIMIT_BODY = "Too many requests for a specific RPC call, contact your app developer or support@rpcpool.com.";

export async function startSolanaRpcServer(opts: SolanaRpcServerOptions): Promise<SolanaRpcServer> {
  const { chain } = opts;
  const faults = opts.faults ?? new RpcFaults();
  const methods = makeMethods(chain);
  const calls: string[] = [];
  const sent: string[] = [];

  const signatureOf = (params: unknown): string | undefined => {
    try {
      const p = Array.isArray(params) ? params : [];
      const enc = typeof p[1] === "object" && p[1] !== null ? (p[1] as { encoding?: unknown }).encoding : undefined;
      return decodeWireTx(decodeTxParam(p[0], enc)).signature;
    } catch {
      return undefined;
    }
  };

  const execute = (req: RpcRequest, fault: RpcFault | undefined): object => {
    const id = req.id ?? null;
    const method = typeof req.method === "string" ? req.method : "";
    const params = Array.isArray(req.params) ? (req.params as unknown[]) : [];
    if (method === "sendTransaction" && fault === "drop") {
      const sig = signatureOf(params);
      if (sig !== undefined) return { jsonrpc: "2.0", result: sig, id };
    }
    const handler = methods[method];
    if (handler === undefined) return { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id };
    try {
      return { jsonrpc: "2.0", result: handler(params), id };
    } catch (e) {
      if (e instanceof RpcMethodError) {
        const error = e.data === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, data: e.data };
        return { jsonrpc: "2.0", error, id };
      }
      return { jsonrpc: "2.0", error: { code: -32603, message: `Internal error: ${String(e)}` }, id };
    }
  };

  const respond = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST") return respond(res, 405, "");
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return respond(res, 200, JSON.stringify({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null }));
    }
    const batch = Array.isArray(body);
    const reqs = (batch ? body : [body]) as RpcRequest[];
    const first = reqs[0];
    const firstId = first?.id ?? null;
    for (const r of reqs) {
      calls.push(typeof r.method === "string" ? r.method : "");
      const sig = r.method === "sendTransaction" ? signatureOf(r.params) : undefined;
      if (sig !== undefined) sent.push(sig);
    }
    const fault = faults.next(typeof first?.method === "string" ? first.method : "");
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    switch (fault) {
      case "http429":
        return respond(res, 429, JSON.stringify({ jsonrpc: "2.0", error: { code: 429, message: RATE_LIMIT_BODY }, id: firstId }), { "retry-after": String(faults.retryAfterS) });
      case "http5xx":
        return respond(res, 503, "Service Unavailable", { "content-type": "text/plain" });
      case "malformedJson":
        return respond(res, 200, '{"jsonrpc":"2.0","result":{"context":');
      case "wrongShape":
        return respond(res, 200, JSON.stringify({ jsonrpc: "2.0", result: { unexpected: "shape" }, id: firstId }));
      case "timeout":
        return; // hold the socket; close() destroys it
      default:
        break;
    }
    const out = reqs.map((r) => execute(r, fault));
    if (fault === "landThenTimeout") return;
    const text = JSON.stringify(batch ? out : out[0]).replaceAll(`"${U64_MAX_MARKER}"`, "18446744073709551615");
    respond(res, 200, text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => respond(res, 500, String(e)));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    chain,
    faults,
    calls,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
