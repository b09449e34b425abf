/**
 * Mint info where no account data exists at all: a bars replay (stored OHLCV bars carry no
 * accounts). Every mint is taken for what the simulator's tokens are, a classic SPL mint with
 * both authorities revoked (pump.fun's); token safety cannot be judged from bars. Never used
 * where a feed or a node can say what the mint is.
 */
import { Layer } from "effect";
import { MintInfoSource, type MintInfoShape } from "./mint-info.js";
import { SPL_TOKEN_PROGRAM } from "./token-safety.js";

export function makeSimMintInfo(): MintInfoShape {
  return {
    lookup: (mint) => ({ _tag: "Known", info: { mint, program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] } }),
    want: () => undefined,
    observe: () => undefined,
  };
}

export const layer = () => Layer.succeed(MintInfoSource, makeSimMintInfo());
