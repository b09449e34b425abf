/** The loopback Solana JSON-RPC: a LiteSVM-backed chain, its HTTP server, fault switches and SPL setup helpers. */
export { LoopbackChain, type ChainOptions, type SignatureStatus, type SubmitResult, type TxRecord } from "./chain.js";
export { RpcFaults, type RpcFault, type RpcFaultOptions } from "./faults.js";
export { startSolanaRpcServer, type SolanaRpcServer, type SolanaRpcServerOptions } from "./server.js";
export { createMint, setTokenBalance, tokenAccountsByOwner, tokenBalance, type MintInfo } from "./spl-setup.js";
export { signedTransfer } from "./transfer.js";
export * from "./programs.js";
