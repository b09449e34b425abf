import { describe, expect, it } from "vitest";
import { riskParams } from "./risk.params.js";
import { SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM, checkTokenSafety, type MintInfo } from "./token-safety.js";

const classic: MintInfo = { mint: "M", program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] };
const t22 = (extensions: MintInfo["extensions"]): MintInfo => ({ ...classic, program: TOKEN_2022_PROGRAM, extensions });
const codes = (m: MintInfo, p = riskParams()) => checkTokenSafety(m, p).map((r) => r.code);

describe("token safety", () => {
  it("a classic SPL mint with both authorities revoked is safe", () => {
    expect(codes(classic)).toEqual([]);
  });

  it("mint and freeze authorities are unsafe, each reported", () => {
    expect(codes({ ...classic, mintAuthority: "A", freezeAuthority: "F" })).toEqual(["mint_authority", "freeze_authority"]);
  });

  it("Token-2022 with only metadata extensions, a zero fee and unset delegate and hook is safe", () => {
    const m = t22([
      { extension: "metadataPointer" }, { extension: "tokenMetadata" },
      { extension: "transferFeeConfig", feeBps: 0 }, { extension: "permanentDelegate", authority: null },
      { extension: "transferHook", authority: null }, { extension: "defaultAccountState", accountState: "initialized" },
    ]);
    expect(codes(m)).toEqual([]);
  });

  it("flags the Token-2022 extensions that can hurt a holder", () => {
    const m = t22([
      { extension: "transferFeeConfig", feeBps: 100 }, { extension: "permanentDelegate", authority: "D" },
      { extension: "transferHook", authority: "H" }, { extension: "nonTransferable" },
      { extension: "defaultAccountState", accountState: "frozen" }, { extension: "pausableConfig", authority: "P" },
      { extension: "somethingNew" },
    ]);
    expect(codes(m)).toEqual([
      "transfer_fee", "permanent_delegate", "transfer_hook", "non_transferable", "default_frozen", "pausable", "unknown_extension",
    ]);
  });

  it("the transfer fee limit is a parameter; an unreadable fee is unsafe", () => {
    const p = riskParams({ maxTransferFeeBps: 50 });
    expect(codes(t22([{ extension: "transferFeeConfig", feeBps: 50 }]), p)).toEqual([]);
    expect(codes(t22([{ extension: "transferFeeConfig", feeBps: 51 }]), p)).toEqual(["transfer_fee"]);
    expect(codes(t22([{ extension: "transferFeeConfig" }]), p)).toEqual(["transfer_fee"]);
  });

  it("a mint owned by another program is unsafe", () => {
    expect(codes({ ...classic, program: "11111111111111111111111111111111" })).toEqual(["unknown_token_program"]);
  });
});
