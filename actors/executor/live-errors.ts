/** Adapter errors (Jupiter, RPC, signer, tx) mapped onto the executor port's errors, cause kept. */
import type { JupiterError } from "../../chain/jupiter/errors.js";
import type { RpcError } from "../../chain/rpc/errors.js";
import type { SignerTxError } from "../../chain/signer/sign.js";
import type { TxUnknownOutcomeError } from "../../chain/tx/submission.js";
import {
  ExecutorDecodeError,
  ExecutorNoRouteError,
  ExecutorRejectedError,
  ExecutorUnavailableError,
  ExecutorUnknownOutcomeError,
  ExecutorZeroOutputError,
  type ExecutorError,
} from "./executor.js";

export function fromJupiter(mint: string, e: JupiterError): ExecutorError {
  switch (e._tag) {
    case "JupiterNoRouteError":
      return new ExecutorNoRouteError({ message: e.message, mint, retryable: false });
    case "JupiterZeroOutputError":
      return new ExecutorZeroOutputError({ message: e.message, mint, retryable: false });
    case "JupiterRateLimitedError":
      return new ExecutorUnavailableError({ message: e.message, system: "jupiter", retryAfterMs: e.retryAfterMs, cause: e, retryable: true });
    case "JupiterUnavailableError":
      return new ExecutorUnavailableError({ message: e.message, system: "jupiter", retryAfterMs: undefined, cause: e, retryable: true });
    case "JupiterAuthError":
      return new ExecutorRejectedError({ message: e.message, code: "JUPITER_AUTH", cause: e, retryable: false });
    case "JupiterRejectedError":
      return new ExecutorRejectedError({ message: e.message, code: e.errorCode, cause: e, retryable: false });
    case "JupiterDecodeError":
      return new ExecutorDecodeError({ message: e.message, system: "jupiter", cause: e, retryable: false });
  }
}

export function fromRpc(e: RpcError): ExecutorError {
  switch (e._tag) {
    case "RpcRateLimitedError":
      return new ExecutorUnavailableError({ message: e.message, system: "rpc", retryAfterMs: e.retryAfterMs, cause: e, retryable: true });
    case "RpcUnavailableError":
      return new ExecutorUnavailableError({ message: e.message, system: "rpc", retryAfterMs: undefined, cause: e, retryable: true });
    case "RpcResponseError":
      return e.retryable
        ? new ExecutorUnavailableError({ message: e.message, system: "rpc", retryAfterMs: undefined, cause: e, retryable: true })
        : new ExecutorRejectedError({ message: e.message, code: `RPC_${e.code}`, cause: e, retryable: false });
    case "RpcDecodeError":
      return new ExecutorDecodeError({ message: e.message, system: "rpc", cause: e, retryable: false });
  }
}

export const fromSigner = (e: SignerTxError): ExecutorError =>
  new ExecutorRejectedError({ message: `refused to sign: ${e.message}`, code: `SIGNER_${e.reason.toUpperCase().replaceAll("-", "_")}`, cause: e, retryable: false });

export const fromUnknown = (e: TxUnknownOutcomeError): ExecutorError =>
  new ExecutorUnknownOutcomeError({ message: e.message, submission: e.submission, cause: e.cause, retryable: true });

/** One line for a landed transaction's error JSON, for logs and the Failed outcome. */
export function describeTxErr(err: unknown): string {
  if (typeof err === "string") return err;
  const ie = (err as { InstructionError?: unknown } | null)?.InstructionError;
  if (Array.isArray(ie)) return `instruction ${String(ie[0])} failed: ${JSON.stringify(ie[1])}`;
  return JSON.stringify(err);
}
