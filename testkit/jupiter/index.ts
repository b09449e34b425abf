/** The loopback Jupiter (swap/v1) over constant-product pools held on a LoopbackChain, and the one-call world. */
export { JupiterFaults, type JupiterFault, type JupiterEndpoint } from "./faults.js";
export { LoopbackPools, seededKeyPair, type NewPool, type Pool } from "./pools.js";
export { startJupiterServer, type JupiterHooks, type JupiterServer, type JupiterServerOptions } from "./server.js";
export { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld, type LoopbackWorldOptions } from "./world.js";
