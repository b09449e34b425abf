/**
 * What the accounts do not say themselves: a pump.fun curve does not store its mint (the curve
 * is a PDA of it). Curves learnt from config, the simulator or create events are registered
 * here; an unknown curve is keyed by its own address (the storage convention for unknown mints).
 */
import { getAddressEncoder, getProgramDerivedAddress, type Address } from "@solana/kit";
import { PUMP_PROGRAM_ID } from "../../chain/layouts/programs.js";

export class PoolRegistry {
  readonly #curveToMint = new Map<string, string>();
  readonly #mintToCurve = new Map<string, string>();
  readonly #decimals = new Map<string, number>();
  readonly #supply = new Map<string, number>();
  readonly #vaultToPool = new Map<string, string>();

  registerCurve(curve: string, mint: string): void {
    this.#curveToMint.set(curve, mint);
    this.#mintToCurve.set(mint, curve);
  }
  mintOfCurve(curve: string): string | undefined {
    return this.#curveToMint.get(curve);
  }
  curveOfMint(mint: string): string | undefined {
    return this.#mintToCurve.get(mint);
  }
  registerVault(vault: string, pool: string): void {
    this.#vaultToPool.set(vault, pool);
  }
  poolOfVault(vault: string): string | undefined {
    return this.#vaultToPool.get(vault);
  }
  /** From a Mint account: supply in UI units (for FDV) and decimals. */
  setMint(mint: string, supply: number, decimals: number): void {
    this.#supply.set(mint, supply);
    this.#decimals.set(mint, decimals);
  }
  supply(mint: string): number | undefined {
    return this.#supply.get(mint);
  }
  decimals(mint: string): number | undefined {
    return this.#decimals.get(mint);
  }
}

const enc = new TextEncoder();

/** The bonding-curve PDA `["bonding-curve", mint]` of the pump program. */
export async function pumpCurveAddress(mint: string): Promise<string> {
  const [pda] = await getProgramDerivedAddress({
    programAddress: PUMP_PROGRAM_ID as Address,
    seeds: [enc.encode("bonding-curve"), getAddressEncoder().encode(mint as Address)],
  });
  return pda;
}
