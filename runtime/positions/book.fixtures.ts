/**
 * A book on a test chain and a journal file, restartable in the same process: `restart()` stops
 * the book (in-flight executor calls are aborted: their answers are lost, as in a crash) and
 * starts a new one on the same journal file and chain.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimulatedClock } from "xstate";
import { SPL_TOKEN_PROGRAM, riskParams, type EntryRequest, type RiskParams } from "../../actors/risk/index.js";
import { VirtualClock } from "../../core/clock.js";
import { positionParams } from "../../machines/position.params.js";
import { eventually } from "../../testkit/eventually.js";
import { submissionJournal } from "../journal/executor-port.js";
import { Journal } from "../journal/journal.js";
import { PositionBook } from "./book.js";
import { chainExecutor, TestChain, type ChainExecutor } from "./testing.js";

export const ENTRY = 0.001;
export const T0 = 1_700_000_000_000;

export const entry = (mint: string, sizeSol = 1): EntryRequest => ({
  mint, sizeSol, pool: { reserveSol: 500, reserveToken: 500_000, feeBps: 25 },
  token: { mint, program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] },
});

export interface Harness {
  readonly dir: string;
  readonly clock: VirtualClock;
  readonly chain: TestChain;
  journal: Journal;
  executor: ChainExecutor;
  book: PositionBook;
  /** The book's XState timer clock (`after` delays): `timers.increment(ms)` fires them. */
  timers: SimulatedClock;
  /** Stop and start again on the same journal and chain; `await h.book.ready` for recovery. */
  restart(prepare?: (executor: ChainExecutor) => void): void;
  /** Move the clock and send the book a clock tick. */
  tick(ms: number): void;
  /** Poll until the position is in `state` (the machine's state name). */
  until(positionId: string, state: string): Promise<void>;
  close(): void;
}

export function harness(o: { risk?: Partial<RiskParams>; mints?: string[] } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), "alphagpt-book-"));
  const path = join(dir, "journal.sqlite");
  const clock = new VirtualClock(T0);
  const chain = new TestChain();
  for (const m of o.mints ?? ["MINT"]) chain.setPrice(m, ENTRY);
  const make = (journal: Journal, prepare?: (e: ChainExecutor) => void) => {
    const executor = chainExecutor(chain, submissionJournal(journal), clock);
    prepare?.(executor);
    const timers = new SimulatedClock();
    const book = PositionBook.start({
      journal, executor, clock, params: positionParams(), risk: riskParams({ cooldownMs: 0, ...o.risk }),
      slippageBps: 500, timers, sleep: () => Promise.resolve(),
    });
    return { executor, book, timers };
  };
  const journal = Journal.open(path, { clock });
  const h: Harness = {
    dir, clock, chain, journal, ...make(journal),
    restart(prepare) {
      h.book.stop();
      h.journal.close();
      h.journal = Journal.open(path, { clock });
      Object.assign(h, make(h.journal, prepare));
    },
    tick(ms) {
      clock.advance(ms);
      h.book.clockTick();
    },
    async until(positionId, state) {
      await eventually(() => {
        const s = h.book.get(positionId)?.state;
        if (s !== state) throw new Error(`${positionId} is ${s}, waiting for ${state}`);
      }, { timeoutMs: 5_000, intervalMs: 2 });
    },
    close() {
      h.book.stop();
      h.journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
