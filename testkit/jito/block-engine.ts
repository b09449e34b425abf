/**
 * The loopback Jito block engine: `POST /api/v1/transactions` answering JSON-RPC
 * `sendTransaction` (solana-wire.md §6: a proxy of the node's method), landing the bytes on the
 * same LoopbackChain the RPC server reads. As the real engine, it wants a tip: a transaction that
 * pays no tip account at least `minTipLamports` is refused. Failure switches are RpcFaults'.
 *
 *   const engine = await startBlockEngine({ chain });
 *   ... client base URL: engine.url (it posts to engine.url + "/api/v1/transactions") ...
 *   engine.received   // signatures of every sendTransaction, resends included
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import { RpcFaults } from "../solana-rpc/faults.js";
import { decodeTxParam, RpcMethodError } from "../solana-rpc/methods.js";
import { decodeWireTx } from "../solana-rpc/wire-tx.js";
import { tipPaid } from "./tip-accounts.js";

export const TRANSACTIONS_PATH = "/api/v1/transactions";

export interface BlockEngineOptions {
  readonly chain: LoopbackChain;
  readonly faults?: RpcFaults;
  /** Jito's documented minimum tip. */
  readonly minTipLamports?: bigint;
}

export interface BlockEngine {
  readonly url: string;
  readonly faults: RpcFaults;
  /** Signatures of every sendTransaction received (faulted and refused ones included). */
  readonly received: string[];
  /** Signatures the engine landed on the chain. */
  readonly landed: string[];
  close(): Promise<void>;
}

export async function startBlockEngine(opts: BlockEngineOptions): Promise<BlockEngine> {
  const { chain } = opts;
  const faults = opts.faults ?? new RpcFaults();
  const minTip = opts.minTipLamports ?? 1_000n;
  const received: string[] = [];
  const landed: string[] = [];

  const sendTransaction = (params: readonly unknown[]): string => {
    const o = typeof params[1] === "object" && params[1] !== null ? (params[1] as { encoding?: unknown }) : {};
    const bytes = decodeTxParam(params[0], o.encoding);
    let tx;
    try {
      tx = decodeWireTx(bytes);
    } catch (e) {
      throw new RpcMethodError(-32602, `invalid transaction: ${e instanceof Error ? e.message : String(e)}`);
    }
    received.push(tx.signature);
    if (tipPaid(tx) < minTip) throw new RpcMethodError(-32602, `transaction must pay at least ${minTip} lamports to a tip account`);
    const r = chain.submit(bytes);
    if (r.kind === "landed") landed.push(r.record.signature);
    return r.kind === "landed" ? r.record.signature : r.signature;
  };

  const respond = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://127.0.0.1").pathname !== TRANSACTIONS_PATH) return respond(res, 404, { error: "Not found" });
    let body: { id?: unknown; method?: unknown; params?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
    } catch {
      return respond(res, 200, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
    }
    const id = body.id ?? null;
    const fault = faults.next("sendTransaction");
    switch (fault) {
      case "http429":
        return respond(res, 429, { jsonrpc: "2.0", error: { code: -32097, message: "Rate limit exceeded. Limit: 1 per second for txn requests" }, id }, { "retry-after": String(faults.retryAfterS) });
      case "http5xx":
        return respond(res, 503, "Service Unavailable", { "content-type": "text/plain" });
      case "timeout":
        return;
      default:
        break;
    }
    if (body.method !== "sendTransaction") return respond(res, 200, { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id });
    try {
      const params = Array.isArray(body.params) ? (body.params as unknown[]) : [];
      if (fault === "drop") {
        const sig = decodeWireTx(decodeTxParam(params[0], (params[1] as { encoding?: unknown } | undefined)?.encoding)).signature;
        received.push(sig);
        return respond(res, 200, { jsonrpc: "2.0", result: sig, id });
      }
      return respond(res, 200, { jsonrpc: "2.0", result: sendTransaction(params), id }, { "x-bundle-id": "loopback" });
    } catch (e) {
      if (e instanceof RpcMethodError) return respond(res, 200, { jsonrpc: "2.0", error: { code: e.code, message: e.message }, id });
      return respond(res, 200, { jsonrpc: "2.0", error: { code: -32602, message: `invalid transaction: ${String(e)}` }, id });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => respond(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    received,
    landed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
