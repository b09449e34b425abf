/**
 * Token safety from the mint account, classic SPL Token and Token-2022 alike. `chain/` decodes
 * the account; extension names are those of the RPC's jsonParsed encoding
 * (`parsed.info.extensions[].extension`), with the fields we judge lifted out of `state`.
 */
import type { MintExtensionState } from "../../chain/layouts/mint-extensions.js";
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import type { RiskParams } from "./risk.params.js";

// The decoder's names and shapes (chain/layouts), under the names risk has always used.
export const SPL_TOKEN_PROGRAM = TOKEN_PROGRAM_ID;
export const TOKEN_2022_PROGRAM = TOKEN_2022_PROGRAM_ID;
export type MintExtension = MintExtensionState;

export interface MintInfo {
  readonly mint: string;
  /** The mint account's owner program. */
  readonly program: string;
  readonly mintAuthority: string | null;
  readonly freezeAuthority: string | null;
  readonly extensions: readonly MintExtension[];
}

export const SAFETY_CODES = [
  "unknown_token_program", "mint_authority", "freeze_authority", "transfer_fee",
  "permanent_delegate", "transfer_hook", "non_transferable", "default_frozen", "pausable",
  "unknown_extension",
] as const;

export type SafetyCode = (typeof SAFETY_CODES)[number];

export interface SafetyReason {
  readonly code: SafetyCode;
  readonly detail: string;
}

const set = (a: string | null | undefined): a is string => typeof a === "string" && a.length > 0;

/** Why an extension makes the token unsafe to hold, or null when it cannot hurt a holder. */
function judgeExtension(e: MintExtension, p: RiskParams): SafetyReason | null {
  switch (e.extension) {
    case "transferFeeConfig": {
      // An unreadable fee is treated as the worst case.
      const bps = e.feeBps ?? Number.POSITIVE_INFINITY;
      return bps > p.maxTransferFeeBps ? { code: "transfer_fee", detail: `transfer fee ${bps} bps > ${p.maxTransferFeeBps}` } : null;
    }
    case "permanentDelegate":
      return set(e.authority) ? { code: "permanent_delegate", detail: `delegate ${e.authority} can move or burn any holder's tokens` } : null;
    case "transferHook":
      return set(e.authority) ? { code: "transfer_hook", detail: `program ${e.authority} runs on every transfer and can block sells` } : null;
    case "nonTransferable":
      return { code: "non_transferable", detail: "tokens cannot be transferred, so cannot be sold" };
    case "defaultAccountState":
      return e.accountState === "initialized" ? null : { code: "default_frozen", detail: "new token accounts start frozen" };
    case "pausableConfig":
      return set(e.authority) || e.paused === true ? { code: "pausable", detail: "transfers can be paused" } : null;
    default:
      return p.benignExtensions.includes(e.extension) ? null : { code: "unknown_extension", detail: `extension ${e.extension}` };
  }
}

/** Every reason the mint is unsafe; empty when safe. */
export function checkTokenSafety(m: MintInfo, p: RiskParams): SafetyReason[] {
  const reasons: SafetyReason[] = [];
  if (m.program !== SPL_TOKEN_PROGRAM && m.program !== TOKEN_2022_PROGRAM) {
    reasons.push({ code: "unknown_token_program", detail: `mint owned by ${m.program}` });
  }
  if (set(m.mintAuthority)) reasons.push({ code: "mint_authority", detail: `${m.mintAuthority} can mint more` });
  if (set(m.freezeAuthority)) reasons.push({ code: "freeze_authority", detail: `${m.freezeAuthority} can freeze holders` });
  for (const e of m.extensions) {
    const r = judgeExtension(e, p);
    if (r !== null) reasons.push(r);
  }
  return reasons;
}
