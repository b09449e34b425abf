import { describe, expect, it } from "vitest";
import { encodeTokenAccount } from "./spl-token.js";
import { decodeMint, decodeMintControls, encodeMint, isMintData, MINT_SIZE } from "./spl-mint.js";

const A = "9n3d1K5YD2vECAbRFhFFGYNNjiXtHXJWn9F31t89vsAV";
const B = "aTtUk2DHgLhKZRDjePq6eiHRKC1XXFMBiSUfQ2JNDbN";
const controls = (data: Uint8Array) => {
  const d = decodeMintControls(data);
  if (!d.ok) throw new Error(d.error.detail);
  return d.value;
};

describe("SPL mint controls", () => {
  it("a revoked classic mint has no authorities and no extensions", () => {
    const data = encodeMint({ supply: 10n, decimals: 6 });
    expect(data.length).toBe(MINT_SIZE);
    expect(controls(data)).toEqual({ mintAuthority: null, freezeAuthority: null, extensions: [] });
  });

  it("reads the mint and freeze authorities (COption at 0 and 46) without moving supply or decimals", () => {
    const data = encodeMint({ supply: 123n, decimals: 9, mintAuthority: A, freezeAuthority: B });
    expect(controls(data)).toEqual({ mintAuthority: A, freezeAuthority: B, extensions: [] });
    expect(decodeMint(data)).toEqual({ ok: true, value: { supply: 123n, decimals: 9, isInitialized: true } });
  });

  it("reads Token-2022 extensions with the fields safety judges", () => {
    const data = encodeMint({
      supply: 1n, decimals: 6,
      extensions: [
        { extension: "transferFeeConfig", feeBps: 250 }, { extension: "permanentDelegate", authority: A },
        { extension: "transferHook", authority: B }, { extension: "defaultAccountState", accountState: "frozen" },
        { extension: "pausableConfig", authority: A, paused: true }, { extension: "nonTransferable" }, { extension: "metadataPointer", authority: null },
      ],
    });
    expect(data[165]).toBe(1);
    expect(isMintData(data)).toBe(true);
    expect(controls(data).extensions).toEqual([
      { extension: "transferFeeConfig", feeBps: 250 }, { extension: "permanentDelegate", authority: A },
      { extension: "transferHook", authority: B }, { extension: "defaultAccountState", accountState: "frozen" },
      { extension: "pausableConfig", authority: A, paused: true }, { extension: "nonTransferable" }, { extension: "metadataPointer" },
    ]);
  });

  it("tells mints from token accounts, and rejects broken bytes", () => {
    expect(isMintData(encodeTokenAccount({ mint: A, owner: B, amount: 1n }))).toBe(false);
    const bad = encodeMint({ supply: 1n, decimals: 6, extensions: [{ extension: "permanentDelegate", authority: A }] });
    expect(decodeMintControls(bad.subarray(0, bad.length - 4)).ok).toBe(false); // TLV runs past the end
    const tag = encodeMint({ supply: 1n, decimals: 6 });
    tag[0] = 7; // COption tag neither 0 nor 1
    expect(decodeMintControls(tag).ok).toBe(false);
    expect(decodeMintControls(new Uint8Array(100)).ok).toBe(false);
  });
});
