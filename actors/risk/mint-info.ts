/**
 * The mint-info port: what the trading path knows about a token's mint account, for token
 * safety (token-safety.ts). One interface, chosen in runtime/ per mode:
 *
 * - replay (mint-info.replay.ts): the mint account writes of the feed, and nothing else, so a
 *   replay is a function of its recorded data; the simulated market's feed writes every mint at
 *   launch, so the paper daemon on it uses this one too;
 * - live (mint-info.live.ts): the feed's writes where the feed carries them, else one RPC
 *   getAccountInfo per mint, cached;
 * - sim (mint-info.sim.ts): no account data at all (bars replay): the simulator's tokens as assumed.
 *
 * Lookups never wait (an entry is decided on what is known at the bar's close); what is not
 * known, or cannot be read, is not entered: the refusal says which (`mint_unknown`,
 * `mint_unreadable`).
 */
import { Context } from "effect";
import { decodeMintControls, isMintData } from "../../chain/layouts/spl-mint.js";
import type { AccountUpdate } from "../../streams/types.js";
import { SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM, type MintInfo } from "./token-safety.js";

export type MintLookup =
  | { readonly _tag: "Known"; readonly info: MintInfo }
  /** Not seen yet, being fetched, absent on chain, or the fetch failed. */
  | { readonly _tag: "Unknown"; readonly detail: string }
  /** The account exists but is not a mint we can decode. */
  | { readonly _tag: "Unreadable"; readonly detail: string };

export const MINT_REFUSAL_CODES = ["mint_unknown", "mint_unreadable"] as const;
export type MintRefusalCode = (typeof MINT_REFUSAL_CODES)[number];

export interface MintInfoShape {
  /** What is known about `mint` now. */
  readonly lookup: (mint: string) => MintLookup;
  /** `mint` is being priced and may be asked about soon: a live source fetches it now if it has nothing. */
  readonly want: (mint: string) => void;
  /** A feed account write: mint accounts among them are remembered, the newest write winning. */
  readonly observe: (u: Pick<AccountUpdate, "pubkey" | "owner" | "data">) => void;
}

export class MintInfoSource extends Context.Service<MintInfoSource, MintInfoShape>()("alphagpt/actors/risk/MintInfoSource") {}

const isTokenProgram = (owner: string): boolean => owner === SPL_TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;

/** Whether a feed write is a mint account's (the only writes a source keeps). */
export const isMintWrite = (u: Pick<AccountUpdate, "owner" | "data">): boolean => isTokenProgram(u.owner) && isMintData(u.data);

/** A mint account's owner and bytes, as risk judges them. */
export function readMintAccount(mint: string, owner: string, data: Uint8Array): MintLookup {
  if (!isTokenProgram(owner)) {
    // Judged by token safety (unknown_token_program) only if it decodes as a mint at all.
    return { _tag: "Unreadable", detail: `${mint} is owned by ${owner}, not a token program` };
  }
  const d = decodeMintControls(data);
  if (!d.ok) return { _tag: "Unreadable", detail: `${mint}: ${d.error.detail}` };
  return { _tag: "Known", info: { mint, program: owner, ...d.value } };
}

/** The refusal of an entry whose mint is not Known. */
export const mintRefusal = (l: Exclude<MintLookup, { _tag: "Known" }>): { code: MintRefusalCode; detail: string } =>
  l._tag === "Unknown" ? { code: "mint_unknown", detail: l.detail } : { code: "mint_unreadable", detail: l.detail };
