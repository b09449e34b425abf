/**
 * Token safety in the daemon's trading path, wired live over the loopback world: the mint source
 * the daemon builds for a node (`mintSourceFor`: one getAccountInfo per mint), the live executor
 * child from the config, the positions host. A clean mint is entered and bought on chain; a mint
 * with a freeze authority, a Token-2022 transfer fee or permanent delegate is refused by risk;
 * a mint with no account, or bytes that are no mint, is never entered (fail closed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lamports, type Address } from "@solana/kit";
import { afterEach, describe, expect, it } from "vitest";
import type { Signal } from "../../actors/scorer/index.js";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import { systemClock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { eventually } from "../../testkit/eventually.js";
import { LAMPORTS_PER_SOL, startLoopbackWorld, type LoopbackWorld } from "../../testkit/jupiter/world.js";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../../testkit/solana-rpc/programs.js";
import { tokenBalance } from "../../testkit/solana-rpc/spl-setup.js";
import { Journal } from "../journal/journal.js";
import type { OpenResult } from "../positions/book.js";
import { tradingPath } from "../replay/trading-path.js";
import { executorChild } from "./children/executor.js";
import { PositionsHost } from "./children/positions.js";
import { mintSourceFor } from "./live-adapters.js";
import { loopbackLiveConfig, loopbackLiveWallet } from "./live-testing.js";
import { MarketState } from "./market-state.js";
import { positionParamsFrom, riskParamsFrom } from "./params.js";

const SOL = LAMPORTS_PER_SOL;
const POOL = { sol: 100n * SOL, token: 1_000_000_000_000n, decimals: 6 };

describe("token safety on the live trading path", () => {
  let world: LoopbackWorld;
  let dir: string;
  let journal: Journal;
  let positions: PositionsHost;
  afterEach(async () => {
    positions.stop();
    journal.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("enters a clean mint and refuses unsafe, unknown and unreadable ones", async () => {
    world = await startLoopbackWorld({ blockMs: 5, userLamports: 30n * SOL });
    dir = mkdtempSync(join(tmpdir(), "alphagpt-safety-"));
    const authority = world.chain.newAddress("someone");
    const pools = world.jupiter.pools;
    const clean = (await pools.create(POOL)).mint.mint;
    const cleanT22 = (await pools.create({ ...POOL, program: TOKEN_2022_PROGRAM, controls: { extensions: [{ extension: "metadataPointer", authority }] } })).mint.mint;
    const freeze = (await pools.create({ ...POOL, controls: { freezeAuthority: authority } })).mint.mint;
    const fee = (await pools.create({ ...POOL, program: TOKEN_2022_PROGRAM, controls: { extensions: [{ extension: "transferFeeConfig", feeBps: 100 }] } })).mint.mint;
    const delegate = (await pools.create({ ...POOL, program: TOKEN_2022_PROGRAM, controls: { extensions: [{ extension: "permanentDelegate", authority }] } })).mint.mint;
    const missing = world.chain.newAddress("no-such-mint");
    const garbage = world.chain.newAddress("not-a-mint");
    world.chain.svm.setAccount({ address: garbage, data: new Uint8Array(82).fill(7), executable: false, lamports: lamports(10_000_000n), programAddress: TOKEN_PROGRAM, space: 82n });
    const mints = [clean, cleanT22, freeze, fee, delegate, missing, garbage];

    const config = await loopbackLiveConfig(world, dir, {
      "strategy.entryAmountSol": 0.05, "strategy.maxOpenPositions": 8, "strategy.stopLossPct": -0.3, "risk.minLiquidityUsd": 200, "risk.maxPriceImpactPct": 0.2,
      "risk.maxTotalExposureSol": 10, "risk.cooldownS": 0,
    });
    journal = Journal.open(":memory:");
    const market = new MarketState();
    const exec = executorChild({ config, journal, clock: systemClock, market: market.simMarket(), paperStartSol: 0, wallet: await loopbackLiveWallet(config) });
    await exec.factory.start({ crashed: (e) => { throw e; } });
    positions = new PositionsHost({
      journal, executor: exec.gateway, clock: systemClock, params: positionParamsFrom(config), risk: riskParamsFrom(config),
      slippageBps: config.execution.swapSlippageBps, tickStaleMs: 10_000,
    });
    await positions.reconcile();

    const source = mintSourceFor(config, { feedOnly: false, rng: seededRng(1), clock: systemClock });
    const entries: [string, OpenResult][] = [];
    const refusals: [string, string][] = [];
    const path = tradingPath({
      config, market, risk: riskParamsFrom(config), mints: source, book: () => positions.book, entriesOpen: () => true, now: () => Date.now(),
      hooks: { onEntry: (s, r) => void entries.push([s.mint, r]), onRefused: (code, mint) => void refusals.push([mint, code]) },
    });

    // Every pool ticks (the live source reads each mint on its first tick).
    const now = Date.now();
    for (const mint of mints) {
      path.onTick({ kind: "price", mint, pool: `pool-${mint}`, dex: "raydium-cpmm", quoteMint: WSOL_MINT, slot: 1, writeVersion: 1, tsEvent: now, tsInit: now, price: 1e-4, liquidity: 200, fdv: null });
    }
    await eventually(() => mints.every((m) => !/being read/.test(JSON.stringify(source.lookup(m)))));

    const signals: Signal[] = mints.map((mint, i) => ({ mint, score: 0.99, raw: 5, rank: i + 1, ts: 60 }));
    const codes = (mint: string) => path.scorerBook().risk(signals.find((s) => s.mint === mint) as Signal).reasons.map((r) => r.code);
    expect(codes(clean)).toEqual([]);
    expect(codes(cleanT22)).toEqual([]);
    expect(codes(freeze)).toEqual(["freeze_authority"]);
    expect(codes(fee)).toEqual(["transfer_fee"]);
    expect(codes(delegate)).toEqual(["permanent_delegate"]);
    expect(codes(missing)).toEqual(["mint_unknown"]);
    expect(codes(garbage)).toEqual(["mint_unreadable"]);

    // Decisions naming every mint (as a stale or buggy scorer might): only the clean ones open.
    path.onDecisions({ ts: 60, signals, entries: signals, refused: [], exits: [] }, Date.now());
    await eventually(() => path.pendingEntries() === 0 && entries.length === 5);
    const opened = entries.filter(([, r]) => r.ok).map(([m]) => m);
    expect(opened.sort()).toEqual([clean, cleanT22].sort());
    const riskCodes = new Map(entries.filter(([, r]) => !r.ok).map(([m, r]) => [m, r.ok || r.refused !== "risk" ? [] : r.decision.reasons.map((x) => x.code)]));
    expect(riskCodes).toEqual(new Map([[freeze, ["freeze_authority"]], [fee, ["transfer_fee"]], [delegate, ["permanent_delegate"]]]));
    expect(refusals).toEqual([[missing, "mint_unknown"], [garbage, "mint_unreadable"]]);

    // The clean entries are bought on chain by the live executor; nothing else is.
    await eventually(() => tokenBalance(world.chain, world.user.address, clean as Address) > 0n && tokenBalance(world.chain, world.user.address, cleanT22 as Address) > 0n, { timeoutMs: 30_000 });
    for (const m of [freeze, fee, delegate]) expect(tokenBalance(world.chain, world.user.address, m as Address)).toBe(0n);
    expect(world.chain.landedSignatures()).toHaveLength(2);
  });
});
