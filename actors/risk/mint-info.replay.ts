/**
 * Mint info from the feed alone: the mint account writes it carries, newest first. Nothing is
 * fetched, so a replay decides from its recorded rows only and stays deterministic; a mint the
 * feed never wrote is unknown and never entered. The simulated market's feed writes every mint
 * at launch, so the paper daemon on the loopback market uses this source too.
 */
import { Layer } from "effect";
import { isMintWrite, MintInfoSource, readMintAccount, type MintInfoShape, type MintLookup } from "./mint-info.js";

export function makeReplayMintInfo(): MintInfoShape {
  const known = new Map<string, MintLookup>();
  return {
    lookup: (mint) => known.get(mint) ?? { _tag: "Unknown", detail: `the feed carried no write of mint ${mint}` },
    want: () => undefined,
    observe: (u) => {
      if (isMintWrite(u)) known.set(u.pubkey, readMintAccount(u.pubkey, u.owner, u.data));
    },
  };
}

export const layer = () => Layer.succeed(MintInfoSource, makeReplayMintInfo());
