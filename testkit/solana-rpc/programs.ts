/**
 * The few instructions the loopback world needs (System, SPL Token / Token-2022, Associated
 * Token Account, Compute Budget), encoded by hand from their documented layouts: the project
 * does not depend on the @solana-program/* clients, and these layouts have not changed in years.
 */
import { AccountRole, address, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction } from "@solana/kit";
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, WSOL_MINT } from "../../chain/layouts/index.js";

export const SYSTEM_PROGRAM = address("11111111111111111111111111111111");
export const COMPUTE_BUDGET_PROGRAM = address("ComputeBudget111111111111111111111111111111");
export const ATA_PROGRAM = address("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
export const TOKEN_PROGRAM = address(TOKEN_PROGRAM_ID);
export const TOKEN_2022_PROGRAM = address(TOKEN_2022_PROGRAM_ID);
export const NATIVE_MINT = address(WSOL_MINT);

export type TokenProgram = typeof TOKEN_PROGRAM | typeof TOKEN_2022_PROGRAM;

const ro = (a: Address) => ({ address: a, role: AccountRole.READONLY });
const rw = (a: Address) => ({ address: a, role: AccountRole.WRITABLE });
const rwSigner = (a: Address) => ({ address: a, role: AccountRole.WRITABLE_SIGNER });
const roSigner = (a: Address) => ({ address: a, role: AccountRole.READONLY_SIGNER });

function bytes(size: number, fill: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(size);
  fill(new DataView(out.buffer));
  return out;
}

/** System Transfer (index 2). */
export function systemTransfer(from: Address, to: Address, lamports: bigint): Instruction {
  const data = bytes(12, (v) => {
    v.setUint32(0, 2, true);
    v.setBigUint64(4, lamports, true);
  });
  return { programAddress: SYSTEM_PROGRAM, accounts: [rwSigner(from), rw(to)], data };
}

/**
 * System Allocate (index 8) of zero bytes: a no-op on an empty account, and
 * `AccountAlreadyInUse` (custom error 0) on one that holds data. The loopback Jupiter uses it as
 * an on-chain "this quote is still honoured" ticket.
 */
export function systemAllocate(account: Address, space = 0n): Instruction {
  const data = bytes(12, (v) => {
    v.setUint32(0, 8, true);
    v.setBigUint64(4, space, true);
  });
  return { programAddress: SYSTEM_PROGRAM, accounts: [rwSigner(account)], data };
}

/** Token TransferChecked (index 12), identical in SPL Token and Token-2022. */
export function tokenTransferChecked(p: {
  program: Address;
  source: Address;
  mint: Address;
  destination: Address;
  authority: Address;
  amount: bigint;
  decimals: number;
}): Instruction {
  const data = bytes(10, (v) => {
    v.setUint8(0, 12);
    v.setBigUint64(1, p.amount, true);
    v.setUint8(9, p.decimals);
  });
  return { programAddress: p.program, accounts: [rw(p.source), ro(p.mint), rw(p.destination), roSigner(p.authority)], data };
}

/** Associated Token Account CreateIdempotent (index 1). */
export function createAtaIdempotent(p: { payer: Address; ata: Address; owner: Address; mint: Address; program: Address }): Instruction {
  return {
    programAddress: ATA_PROGRAM,
    accounts: [rwSigner(p.payer), rw(p.ata), ro(p.owner), ro(p.mint), ro(SYSTEM_PROGRAM), ro(p.program)],
    data: new Uint8Array([1]),
  };
}

export function setComputeUnitLimit(units: number): Instruction {
  return { programAddress: COMPUTE_BUDGET_PROGRAM, data: bytes(5, (v) => (v.setUint8(0, 2), v.setUint32(1, units, true))) };
}

export function setComputeUnitPrice(microLamports: bigint): Instruction {
  return { programAddress: COMPUTE_BUDGET_PROGRAM, data: bytes(9, (v) => (v.setUint8(0, 3), v.setBigUint64(1, microLamports, true))) };
}

/** The associated token account of `owner` for `mint` under `program`. */
export async function findAta(owner: Address, mint: Address, program: Address): Promise<Address> {
  const enc = getAddressEncoder();
  const [ata] = await getProgramDerivedAddress({ programAddress: ATA_PROGRAM, seeds: [enc.encode(owner), enc.encode(program), enc.encode(mint)] });
  return ata;
}

/** Compute-budget settings of a compiled message, as the runtime reads them for the fee. */
export function computeBudgetOf(ixs: readonly { programId: string; data: Uint8Array }[]): { unitLimit: number | null; microLamports: bigint } {
  let unitLimit: number | null = null;
  let microLamports = 0n;
  for (const ix of ixs) {
    if (ix.programId !== COMPUTE_BUDGET_PROGRAM) continue;
    const v = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.data[0] === 2 && ix.data.length >= 5) unitLimit = v.getUint32(1, true);
    if (ix.data[0] === 3 && ix.data.length >= 9) microLamports = v.getBigUint64(1, true);
  }
  return { unitLimit, microLamports };
}
