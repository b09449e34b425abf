/**
 * Test-world SPL state written straight into LiteSVM (mints, token accounts), and the token
 * account queries the RPC methods answer. Works for SPL Token and Token-2022 alike.
 */
import { lamports, type Address } from "@solana/kit";
import { decodeMint, encodeMint, encodeTokenAccount, type MintControls } from "../../chain/layouts/index.js";
import { readTokenAccount } from "./balances.js";
import type { LoopbackChain } from "./chain.js";
import { findAta, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, type TokenProgram } from "./programs.js";

export interface MintInfo {
  readonly mint: Address;
  readonly program: TokenProgram;
  readonly decimals: number;
}

/** A mint; without `controls` both authorities are revoked and it has no extensions (Token-2022 extensions need `program`). */
export function createMint(chain: LoopbackChain, p: { decimals: number; program?: TokenProgram; supply?: bigint; controls?: Partial<MintControls> }): MintInfo {
  const mint = chain.newAddress("mint");
  const program = p.program ?? TOKEN_PROGRAM;
  const data = encodeMint({ supply: p.supply ?? 1_000_000_000_000_000n, decimals: p.decimals, ...p.controls });
  const space = BigInt(data.length);
  chain.svm.setAccount({ address: mint, data, executable: false, lamports: lamports(chain.svm.minimumBalanceForRentExemption(space)), programAddress: program, space });
  return { mint, program, decimals: p.decimals };
}

/** Set `owner`'s associated token account for `mint` to hold exactly `amount`; returns its address. */
export async function setTokenBalance(chain: LoopbackChain, m: MintInfo, owner: Address, amount: bigint): Promise<Address> {
  const ata = await findAta(owner, m.mint, m.program);
  const data = encodeTokenAccount({ mint: m.mint, owner, amount });
  chain.svm.setAccount({ address: ata, data, executable: false, lamports: lamports(chain.svm.minimumBalanceForRentExemption(165n)), programAddress: m.program, space: 165n });
  return ata;
}

export interface OwnedTokenAccount {
  readonly pubkey: Address;
  readonly program: Address;
  readonly lamports: bigint;
  readonly space: number;
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  readonly decimals: number;
  readonly data: Uint8Array;
}

/** The program that owns `mint`'s account, when it is a mint of either token program. */
export function mintProgram(chain: LoopbackChain, mint: Address): Address | null {
  const acc = chain.svm.getAccount(mint);
  if (!acc.exists || (acc.programAddress !== TOKEN_PROGRAM && acc.programAddress !== TOKEN_2022_PROGRAM)) return null;
  return decodeMint(new Uint8Array(acc.data)).ok ? acc.programAddress : null;
}

/** Token accounts of `owner`, filtered like getTokenAccountsByOwner: by mint (either program) or by program. */
export function tokenAccountsByOwner(chain: LoopbackChain, owner: string, filter: { mint: Address } | { programId: Address }): OwnedTokenAccount[] {
  const programs = "mint" in filter ? [mintProgram(chain, filter.mint)].filter((p): p is Address => p !== null) : [filter.programId];
  const out: OwnedTokenAccount[] = [];
  for (const program of programs) {
    for (const acc of chain.svm.getProgramAccounts(program)) {
      const data = new Uint8Array(acc.data);
      const tok = readTokenAccount(chain.svm, program, data);
      if (tok === null || tok.owner !== owner) continue;
      if ("mint" in filter && tok.mint !== filter.mint) continue;
      out.push({ pubkey: acc.address, program, lamports: acc.lamports, space: data.length, data, ...tok });
    }
  }
  return out;
}

/** Sum of `owner`'s raw balance of `mint` across its token accounts. */
export function tokenBalance(chain: LoopbackChain, owner: Address, mint: Address): bigint {
  return tokenAccountsByOwner(chain, owner, { mint }).reduce((s, a) => s + a.amount, 0n);
}
