/**
 * Crash tests (issue 6, "Done when"): a child process runs the position book with the live
 * executor against the loopback Solana RPC (LiteSVM) and Jupiter servers in this process, and is
 * SIGKILLed with one position in each state: entering (buy landed, confirmation in flight), open,
 * tp1 selling and exiting (sells landed, confirmations in flight). A second process on the same
 * journal must find every position, book each landed swap from the chain without swapping again,
 * and have every stop armed. Swaps are counted on the chain itself.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Address } from "@solana/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../testkit/eventually.js";
import { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld } from "../../testkit/jupiter/world.js";
import { tokenBalance } from "../../testkit/solana-rpc/spl-setup.js";

type Event = { ev: string; id?: string; state?: string; mint?: string; report?: Record<string, unknown>; [k: string]: unknown };

class Child {
  readonly events: Event[] = [];
  stderr = "";
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.#proc = spawn(process.execPath, ["--import", "tsx", join("test", "e2e", "crash-child.ts")], {
      env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: this.#proc.stdout }).on("line", (l) => this.events.push(JSON.parse(l) as Event));
    this.#proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.#proc.on("exit", (code) => r(code)));
  }

  send(cmd: Record<string, unknown>): void {
    this.#proc.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  async next(pred: (e: Event) => boolean, what: string): Promise<Event> {
    return eventually(() => {
      const errors = this.events.filter((e) => e.ev === "error");
      if (errors.length > 0) throw new Error(`child error: ${JSON.stringify(errors)}`);
      const e = this.events.find(pred);
      if (e === undefined) throw new Error(`waiting for ${what}; events: ${JSON.stringify(this.events).slice(-3_000)}; stderr: ${this.stderr.slice(-2_000)}`);
      return e;
    }, { timeoutMs: 30_000, intervalMs: 5 });
  }

  state(id: string): string | undefined {
    return this.events.filter((e) => e.ev === "state" && e.id === id).at(-1)?.state;
  }

  until(id: string, state: string): Promise<Event> {
    return this.next((e) => e.ev === "state" && e.id === id && e.state === state, `${id} in ${state}`);
  }

  async kill(): Promise<void> {
    this.#proc.kill("SIGKILL");
    await this.exited;
  }
}

let world: LoopbackWorld;
let dir: string;
const mints: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alphagpt-crash-"));
  world = await startLoopbackWorld({ blockMs: 5, blockhashValidity: 40, userLamports: 30n * LAMPORTS_PER_SOL });
  for (let i = 0; i < 4; i++) {
    const pool = await world.jupiter.pools.create({ sol: 100n * LAMPORTS_PER_SOL, token: 1_000_000_000_000n, decimals: 6 });
    mints.push(pool.mint.mint);
  }
});

afterAll(async () => {
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

const held = (mint: string) => tokenBalance(world.chain, world.user.address, mint as Address);

/** Swaps that moved the user's balance of `mint`, read from the chain's own records. */
function swaps(mint: string): { buys: number; sells: number } {
  let buys = 0;
  let sells = 0;
  for (const sig of world.chain.landedSignatures()) {
    const rec = world.chain.transaction(sig);
    if (rec === undefined || rec.err !== null) continue;
    const amount = (side: typeof rec.pre) =>
      BigInt(side.tokens.find((t) => t.owner === world.user.address && t.mint === mint)?.uiTokenAmount.amount ?? "0");
    const delta = amount(rec.post) - amount(rec.pre);
    if (delta > 0n) buys++;
    if (delta < 0n) sells++;
  }
  return { buys, sells };
}

describe("crash: SIGKILL in each position state", () => {
  it("loses no position, swaps nothing twice, and arms every stop after a restart", async () => {
    const env = { CRASH_RPC_URL: world.rpc.url, CRASH_JUPITER_URL: world.jupiter.baseUrl, CRASH_JOURNAL: join(dir, "journal.sqlite") };
    const [mOpen, mTp1, mExit, mEnter] = mints as [string, string, string, string];
    const first = new Child(env);
    await first.next((e) => e.ev === "ready", "recovery");
    const ids: Record<string, string> = {};
    for (const mint of [mOpen, mTp1, mExit]) {
      first.send({ cmd: "open", mint });
      ids[mint] = (await first.next((e) => e.ev === "opened" && e.mint === mint, `open ${mint}`)).id!;
      await first.until(ids[mint]!, "open");
    }
    const bought = held(mTp1);

    // From here no confirmation comes back: every swap lands, its answer never arrives.
    world.rpc.faults.script("getSignatureStatuses", ...Array<"timeout">(10_000).fill("timeout"));
    first.send({ cmd: "open", mint: mEnter });
    first.send({ cmd: "price", mint: mTp1, mult: 1.12 });
    first.send({ cmd: "price", mint: mExit, mult: 0.9 });
    ids[mEnter] = (await first.next((e) => e.ev === "opened" && e.mint === mEnter, "open")).id!;
    await eventually(() => expect([held(mEnter) > 0n, held(mTp1) < bought, held(mExit)]).toEqual([true, true, 0n]), { timeoutMs: 20_000 });
    expect([first.state(ids[mOpen]!), first.state(ids[mTp1]!), first.state(ids[mExit]!), first.state(ids[mEnter]!)])
      .toEqual(["open", "tp1.selling", "exiting.selling", "entering"]);
    await first.kill();
    world.rpc.faults.clear();

    const second = new Child(env);
    const ready = await second.next((e) => e.ev === "ready", "recovery");
    expect(ready.report).toMatchObject({ signatures: { landed: 3, expired: 0, unresolved: 0 }, adjusted: [], deferredMints: [] });
    await second.until(ids[mOpen]!, "open");
    await second.until(ids[mTp1]!, "trailing");
    await second.until(ids[mEnter]!, "open");
    second.send({ cmd: "dump" });
    const dump = (await second.next((e) => e.ev === "dump", "dump")).positions as { positionId: string; state: string; qty: number; stop: number }[];
    expect(dump.map((p) => p.positionId).sort()).toEqual(Object.values(ids).sort());
    expect(dump.find((p) => p.positionId === ids[mExit])).toMatchObject({ state: "closed", qty: 0 });
    expect(dump.filter((p) => p.state !== "closed").every((p) => p.stop > 0)).toBe(true);
    expect(mints.map(swaps)).toEqual([{ buys: 1, sells: 0 }, { buys: 1, sells: 1 }, { buys: 1, sells: 1 }, { buys: 1, sells: 0 }]);

    // The stops are armed: a crash in price closes every position, each with one sell.
    for (const mint of [mOpen, mTp1, mEnter]) second.send({ cmd: "price", mint, mult: 0.5 });
    for (const mint of [mOpen, mTp1, mEnter]) await second.until(ids[mint]!, "closed");
    expect(mints.map(held)).toEqual([0n, 0n, 0n, 0n]);
    expect(mints.map(swaps)).toEqual([{ buys: 1, sells: 1 }, { buys: 1, sells: 2 }, { buys: 1, sells: 1 }, { buys: 1, sells: 1 }]);
    second.send({ cmd: "quit" });
    expect(await second.exited).toBe(0);
  });

  it("sends that never landed expire across the restart: the buy fails, the exit is signed anew once", async () => {
    const env = { CRASH_RPC_URL: world.rpc.url, CRASH_JUPITER_URL: world.jupiter.baseUrl, CRASH_JOURNAL: join(dir, "journal-2.sqlite") };
    const pool = async (): Promise<string> =>
      (await world.jupiter.pools.create({ sol: 100n * LAMPORTS_PER_SOL, token: 1_000_000_000_000n, decimals: 6 })).mint.mint;
    const mHeld = await pool();
    const mNew = await pool();
    const first = new Child(env);
    await first.next((e) => e.ev === "ready", "recovery");
    first.send({ cmd: "open", mint: mHeld });
    const held1 = (await first.next((e) => e.ev === "opened", "open")).id!;
    await first.until(held1, "open");

    // Both sends are lost before any leader sees them, and no status answer comes back.
    const sent = world.rpc.sent.length;
    world.rpc.faults.script("sendTransaction", "drop", "drop");
    world.rpc.faults.script("getSignatureStatuses", ...Array<"timeout">(10_000).fill("timeout"));
    first.send({ cmd: "open", mint: mNew });
    first.send({ cmd: "price", mint: mHeld, mult: 0.9 });
    const fresh = (await first.next((e) => e.ev === "opened" && e.mint === mNew, "open")).id!;
    await eventually(() => expect(world.rpc.sent.length).toBeGreaterThanOrEqual(sent + 2), { timeoutMs: 20_000 });
    await first.kill();
    world.rpc.faults.clear();
    const height = world.chain.blockHeight;
    await eventually(() => expect(world.chain.blockHeight).toBeGreaterThan(height + 45), { timeoutMs: 20_000 }); // past validity

    const second = new Child(env);
    const ready = await second.next((e) => e.ev === "ready", "recovery");
    expect(ready.report).toMatchObject({ signatures: { landed: 0, expired: 2, unresolved: 0 } });
    await second.until(fresh, "failed");
    await second.until(held1, "exiting.backoff");
    second.send({ cmd: "tick", ms: 1_000 });
    await second.until(held1, "closed");
    expect([swaps(mHeld), swaps(mNew), held(mHeld), held(mNew)]).toEqual([{ buys: 1, sells: 1 }, { buys: 0, sells: 0 }, 0n, 0n]);
    second.send({ cmd: "quit" });
    expect(await second.exited).toBe(0);
  });
});
