/**
 * The process the crash tests kill: a position book on the durable journal, trading through the
 * live executor against the loopback RPC and Jupiter servers the parent runs. Commands arrive as
 * JSON lines on stdin; events leave as JSON lines on stdout. Time is a virtual clock the parent
 * moves (`tick`), so nothing here depends on how fast the machine is.
 *
 *   env: CRASH_RPC_URL, CRASH_JUPITER_URL, CRASH_JOURNAL
 *   in:  {"cmd":"open","mint"} {"cmd":"price","mint","mult"} {"cmd":"tick","ms"} {"cmd":"dump"} {"cmd":"quit"}
 *   out: {"ev":"ready",report} {"ev":"opened",id,mint} {"ev":"state",id,state,qty} {"ev":"dump",positions}
 *        {"ev":"error",message}
 */
import { createInterface } from "node:readline";
import { getAddressFromPublicKey } from "@solana/kit";
import { SimulatedClock } from "xstate";
import { FAST_CONFIRM } from "../../actors/executor/live-harness.testing.js";
import { makeLiveExecutor } from "../../actors/executor/executor.live.js";
import { riskParams, SPL_TOKEN_PROGRAM } from "../../actors/risk/index.js";
import { jupiterConfig, makeJupiter } from "../../chain/jupiter/index.js";
import { makeSolanaRpc } from "../../chain/rpc/client.js";
import { FAST_BACKOFF } from "../../chain/rpc/retry.js";
import { VirtualClock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { positionParams } from "../../machines/position.params.js";
import { submissionJournal } from "../../runtime/journal/executor-port.js";
import { Journal } from "../../runtime/journal/journal.js";
import { PositionBook } from "../../runtime/positions/book.js";
import { seededKeyPair } from "../../testkit/jupiter/pools.js";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`${name} is not set`);
  return v;
};
const out = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const clock = new VirtualClock(1_700_000_000_000);
const rng = seededRng(1);
const keyPair = await seededKeyPair("user"); // the loopback world's funded wallet
const wallet = { keyPair, address: await getAddressFromPublicKey(keyPair.publicKey) };
const rpc = makeSolanaRpc({ url: env("CRASH_RPC_URL"), timeoutMs: 500, commitment: "confirmed", rng, backoff: FAST_BACKOFF });
const jupiter = makeJupiter(jupiterConfig({ baseUrl: env("CRASH_JUPITER_URL"), apiKey: "" }, rng, { backoff: FAST_BACKOFF, timeoutMs: 1_000 }));
const journal = Journal.open(env("CRASH_JOURNAL"), { clock });
const executor = makeLiveExecutor({
  wallet, rpc, jupiter, journal: submissionJournal(journal), clock, confirm: FAST_CONFIRM, priority: null, fetchIntervalMs: 5,
});
const book = PositionBook.start({
  journal, executor, clock, params: positionParams(), slippageBps: 500, timers: new SimulatedClock(),
  risk: riskParams({ minLiquiditySol: 1, maxPriceImpact: 0.5, maxOpenPositions: 10, maxTotalExposureSol: 100, cooldownMs: 0 }),
});

const states = new Map<string, string>();
book.subscribe((v) => {
  if (states.get(v.positionId) === v.state) return;
  states.set(v.positionId, v.state);
  out({ ev: "state", id: v.positionId, state: v.state, qty: v.qty, reason: v.reason });
});
book.ready.then(
  (report) => out({ ev: "ready", report }),
  (e: unknown) => out({ ev: "error", message: `recovery: ${String(e)}` }),
);

const handle = async (line: string) => {
  const c = JSON.parse(line) as { cmd: string; mint?: string; mult?: number; ms?: number };
  switch (c.cmd) {
    case "open": {
      const mint = c.mint ?? "";
      const r = await book.open({
        mint, sizeSol: 1, pool: { reserveSol: 100, reserveToken: 1_000_000, feeBps: 25 },
        token: { mint, program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] },
      });
      out(r.ok ? { ev: "opened", id: r.positionId, mint } : { ev: "error", message: `refused ${JSON.stringify(r)}` });
      return;
    }
    case "price": {
      // Relative to the entry price booked from the buy's fill.
      const p = book.list("active").find((v) => v.mint === c.mint);
      if (p !== undefined) book.priceTick(p.mint, p.entryPrice * (c.mult ?? 1));
      return;
    }
    case "dump":
      out({ ev: "dump", positions: book.list("all") });
      return;
    case "tick":
      clock.advance(c.ms ?? 1_000);
      book.clockTick();
      return;
    case "quit":
      book.stop();
      journal.close();
      process.exit(0);
  }
};

createInterface({ input: process.stdin }).on("line", (line) => {
  handle(line).catch((e: unknown) => out({ ev: "error", message: String(e) }));
});
