/**
 * JSON-RPC methods over a LoopbackChain, in the shapes of solana-wire.md §4 and the rpc/
 * fixtures. A method throws `RpcMethodError` for a JSON-RPC error body.
 */
import { getBase58Encoder, type Address } from "@solana/kit";
import { decodeMint, decodeMintControls } from "../../chain/layouts/index.js";
import { uiTokenAmount, readTokenAccount } from "./balances.js";
import type { LoopbackChain, TxRecord } from "./chain.js";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "./programs.js";
import { tokenAccountsByOwner } from "./spl-setup.js";
import { describeTxError } from "./tx-errors.js";

export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Serialized as the exact u64 literal by the server (JSON numbers cannot hold it). */
export const U64_MAX_MARKER = "__U64_MAX__";
const API_VERSION = "2.2.0";

type Params = readonly unknown[];
type Obj = Record<string, unknown>;
const cfg = (p: Params, i: number): Obj => (typeof p[i] === "object" && p[i] !== null ? (p[i] as Obj) : {});
const str = (p: Params, i: number, what: string): string => {
  const v = p[i];
  if (typeof v !== "string") throw new RpcMethodError(-32602, `Invalid params: ${what} must be a string`);
  return v;
};

export function decodeTxParam(chainParam: unknown, encoding: unknown): Uint8Array {
  if (typeof chainParam !== "string") throw new RpcMethodError(-32602, "Invalid params: transaction must be a string");
  try {
    return encoding === "base64" ? new Uint8Array(Buffer.from(chainParam, "base64")) : new Uint8Array(getBase58Encoder().encode(chainParam));
  } catch {
    throw new RpcMethodError(-32602, `invalid transaction: failed to decode ${String(encoding ?? "base58")} string`);
  }
}

export function makeMethods(chain: LoopbackChain) {
  const context = () => ({ apiVersion: API_VERSION, slot: chain.slot });

  const accountJson = (address: Address, encoding: unknown) => {
    const acc = chain.svm.getAccount(address);
    if (!acc.exists) return null;
    const data = new Uint8Array(acc.data);
    const base = { executable: acc.executable, lamports: Number(acc.lamports), owner: acc.programAddress, rentEpoch: U64_MAX_MARKER, space: data.length };
    if (encoding === "jsonParsed") {
      const parsed = parseTokenData(acc.programAddress, data);
      if (parsed !== null) return { ...base, data: parsed };
    }
    return { ...base, data: [Buffer.from(data).toString("base64"), "base64"] };
  };

  const parseTokenData = (owner: string, data: Uint8Array) => {
    if (owner !== TOKEN_PROGRAM && owner !== TOKEN_2022_PROGRAM) return null;
    const program = owner === TOKEN_PROGRAM ? "spl-token" : "spl-token-2022";
    const tok = readTokenAccount(chain.svm, owner, data);
    if (tok !== null) {
      const info = { isNative: false, mint: tok.mint, owner: tok.owner, state: "initialized", tokenAmount: uiTokenAmount(tok.amount, tok.decimals) };
      return { program, parsed: { info, type: "account" }, space: data.length };
    }
    const mint = decodeMint(data);
    if (!mint.ok) return null;
    const controls = decodeMintControls(data);
    const authorities = controls.ok ? controls.value : { mintAuthority: null, freezeAuthority: null };
    const info = {
      decimals: mint.value.decimals, freezeAuthority: authorities.freezeAuthority, isInitialized: mint.value.isInitialized,
      mintAuthority: authorities.mintAuthority, supply: mint.value.supply.toString(),
    };
    return { program, parsed: { info, type: "mint" }, space: data.length };
  };

  const transactionJson = (r: TxRecord) => ({
    slot: r.slot,
    blockTime: r.blockTime,
    version: r.tx.version,
    meta: {
      err: r.err,
      status: r.err === null ? { Ok: null } : { Err: r.err },
      fee: Number(r.fee),
      preBalances: r.pre.lamports,
      postBalances: r.post.lamports,
      preTokenBalances: r.pre.tokens,
      postTokenBalances: r.post.tokens,
      innerInstructions: [],
      logMessages: r.logs,
      rewards: [],
      loadedAddresses: { writable: [], readonly: [] },
      computeUnitsConsumed: r.computeUnits,
    },
    transaction: {
      signatures: r.tx.signatures,
      message: {
        accountKeys: r.tx.accountKeys,
        header: r.tx.header,
        recentBlockhash: r.tx.recentBlockhash,
        instructions: r.tx.instructions.map((ix) => ({
          programIdIndex: r.tx.accountKeys.indexOf(ix.programId),
          accounts: ix.accounts,
          data: Buffer.from(ix.data).toString("base64"),
          stackHeight: null,
        })),
        addressTableLookups: [],
      },
    },
  });

  const methods: Record<string, (p: Params) => unknown> = {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": API_VERSION, "feature-set": 0 }),
    getSlot: () => chain.slot,
    getBlockHeight: () => chain.blockHeight,
    getLatestBlockhash: () => ({ context: context(), value: chain.latestBlockhash() }),
    isBlockhashValid: (p) => ({ context: context(), value: chain.isBlockhashValid(str(p, 0, "blockhash")) }),
    getBalance: (p) => ({ context: context(), value: Number(chain.lamports(str(p, 0, "pubkey") as Address)) }),
    getAccountInfo: (p) => ({ context: context(), value: accountJson(str(p, 0, "pubkey") as Address, cfg(p, 1)["encoding"]) }),

    getTokenAccountsByOwner: (p) => {
      const owner = str(p, 0, "owner");
      const f = cfg(p, 1);
      const filter = typeof f["mint"] === "string" ? { mint: f["mint"] as Address } : typeof f["programId"] === "string" ? { programId: f["programId"] as Address } : null;
      if (filter === null) throw new RpcMethodError(-32602, "Invalid params: expected mint or programId filter");
      const encoding = cfg(p, 2)["encoding"] ?? "base64";
      const value = tokenAccountsByOwner(chain, owner, filter).map((a) => ({ pubkey: a.pubkey, account: accountJson(a.pubkey, encoding) }));
      return { context: context(), value };
    },

    sendTransaction: (p) => {
      const opts = cfg(p, 1);
      const bytes = decodeTxParam(p[0], opts["encoding"]);
      if (opts["skipPreflight"] !== true) {
        const sim = safe(() => chain.simulate(bytes));
        if (sim.err !== null) {
          const message = sim.err === "AlreadyProcessed" ? "This transaction has already been processed" : describeTxError(sim.err);
          const data = { accounts: null, err: sim.err, innerInstructions: null, logs: sim.logs, replacementBlockhash: null, returnData: null, unitsConsumed: sim.unitsConsumed };
          throw new RpcMethodError(-32002, `Transaction simulation failed: ${message}`, data);
        }
      }
      const result = safe(() => chain.submit(bytes));
      return result.kind === "landed" ? result.record.signature : result.signature;
    },

    simulateTransaction: (p) => {
      const bytes = decodeTxParam(p[0], cfg(p, 1)["encoding"]);
      const sim = safe(() => chain.simulate(bytes));
      return { context: context(), value: { err: sim.err, logs: sim.logs, accounts: null, unitsConsumed: sim.unitsConsumed, returnData: null } };
    },

    getSignatureStatuses: (p) => {
      const sigs = p[0];
      if (!Array.isArray(sigs) || sigs.some((s) => typeof s !== "string")) throw new RpcMethodError(-32602, "Invalid params: expected an array of signatures");
      if (sigs.length > 256) throw new RpcMethodError(-32602, "Too many inputs provided; max 256");
      const value = sigs.map((s: string) => {
        const st = chain.status(s);
        return st === null ? null : { ...st, status: st.err === null ? { Ok: null } : { Err: st.err } };
      });
      return { context: context(), value };
    },

    getTransaction: (p) => {
      const sig = str(p, 0, "signature");
      const opts = cfg(p, 1);
      if (opts["commitment"] === "processed") throw new RpcMethodError(-32602, "Method does not support commitment below `confirmed`");
      const st = chain.status(sig);
      const record = chain.transaction(sig);
      if (st === null || record === undefined) return null;
      if (opts["commitment"] === "finalized" && st.confirmationStatus !== "finalized") return null;
      if (st.confirmationStatus === "processed") return null;
      if (record.tx.version !== "legacy" && opts["maxSupportedTransactionVersion"] === undefined) {
        throw new RpcMethodError(-32015, `Transaction version (${String(record.tx.version)}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0`);
      }
      return transactionJson(record);
    },
  };
  return methods;
}

/** Undecodable transaction bytes are invalid params, as on a real node. */
function safe<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RpcMethodError) throw e;
    throw new RpcMethodError(-32602, `invalid transaction: ${e instanceof Error ? e.message : String(e)}`);
  }
}
