/**
 * The simulated market's constant-product pools, held on the loopback chain: the SOL reserve is
 * the lamport balance of the pool authority's account, the token reserve its associated token
 * account. A swap that lands moves them; `setReserves` lets the simulated market (or a test)
 * move them from outside, as other traders would.
 */
import { createHash } from "node:crypto";
import { createKeyPairFromPrivateKeyBytes, getAddressFromPublicKey, type Address } from "@solana/kit";
import type { PoolReserves } from "../../actors/executor/cpmm.js";
import type { MintControls } from "../../chain/layouts/index.js";
import type { KeyPair } from "../../chain/signer/keypair.js";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import { findAta, type TokenProgram } from "../solana-rpc/programs.js";
import { createMint, setTokenBalance, tokenBalance, type MintInfo } from "../solana-rpc/spl-setup.js";

export interface Pool {
  readonly mint: MintInfo;
  readonly authority: KeyPair;
  readonly authorityAddress: Address;
  readonly vault: Address;
  readonly feeBps: number;
  readonly label: string;
}

export interface NewPool {
  readonly sol: bigint;
  readonly token: bigint;
  readonly decimals?: number;
  readonly program?: TokenProgram;
  /** The mint's authorities and extensions; default none. */
  readonly controls?: Partial<MintControls>;
  readonly feeBps?: number;
  readonly label?: string;
}

const seedOf = (label: string): Uint8Array => new Uint8Array(createHash("sha256").update(`loopback-key:${label}`).digest());

/** Deterministic key pair from a label (tests are reproducible; nothing here guards real funds). */
export async function seededKeyPair(label: string): Promise<KeyPair> {
  return createKeyPairFromPrivateKeyBytes(seedOf(label));
}

/** The same key as a Solana CLI key file holds it (secret then public, 64 bytes), for a wallet config. */
export async function seededSecretKey(label: string): Promise<Uint8Array> {
  const kp = await createKeyPairFromPrivateKeyBytes(seedOf(label), true);
  const pub = new Uint8Array(await crypto.subtle.exportKey("raw", kp.publicKey));
  return new Uint8Array([...seedOf(label), ...pub]);
}

export class LoopbackPools {
  readonly #chain: LoopbackChain;
  readonly #byMint = new Map<string, Pool>();
  #n = 0;

  constructor(chain: LoopbackChain) {
    this.#chain = chain;
  }

  /** Create a mint and its SOL pool holding `sol` lamports and `token` raw units. */
  async create(p: NewPool): Promise<Pool> {
    const mint = createMint(this.#chain, {
      decimals: p.decimals ?? 6, ...(p.program === undefined ? {} : { program: p.program }), ...(p.controls === undefined ? {} : { controls: p.controls }),
    });
    const authority = await seededKeyPair(`pool:${this.#n++}:${mint.mint}`);
    const authorityAddress = await getAddressFromPublicKey(authority.publicKey);
    const vault = await findAta(authorityAddress, mint.mint, mint.program);
    const pool: Pool = { mint, authority, authorityAddress, vault, feeBps: p.feeBps ?? 25, label: p.label ?? "Loopback CPMM" };
    this.#byMint.set(mint.mint, pool);
    await this.setReserves(mint.mint, { sol: p.sol, token: p.token });
    return pool;
  }

  get(mint: string): Pool | undefined {
    return this.#byMint.get(mint);
  }

  reserves(mint: string): PoolReserves | undefined {
    const pool = this.#byMint.get(mint);
    if (pool === undefined) return undefined;
    return {
      sol: this.#chain.lamports(pool.authorityAddress),
      token: tokenBalance(this.#chain, pool.authorityAddress, pool.mint.mint),
      feeBps: pool.feeBps,
    };
  }

  /** The market moved: write both reserves on chain. */
  async setReserves(mint: string, r: { sol: bigint; token: bigint }): Promise<void> {
    const pool = this.#byMint.get(mint);
    if (pool === undefined) throw new Error(`no loopback pool for ${mint}`);
    this.#chain.setLamports(pool.authorityAddress, r.sol);
    await setTokenBalance(this.#chain, pool.mint, pool.authorityAddress, r.token);
  }
}
