/**
 * The daemon's trading path between the stream and the position book, as one function:
 *
 *   price tick ─> MarketState ─> book.priceTick (stops on every tick)
 *   bar output ─> MarketState.onBar ─> scorer child ─> decisions ─> scores to held positions,
 *                                                      risk-checked entries ─> book.open
 *
 * This is the glue `startDaemon` (runtime/daemon/daemon.ts, `entryRequest`, `scorerBook`,
 * `onDecisions`, ingest's `onTick`/`onBar`) writes inline, line for line, with the daemon's
 * metrics and logging behind optional hooks. The pieces it wires are the daemon's own:
 * `MarketState`, `Scorer` + `scorerChild`, `PositionBook`, the executor child. Replay and the
 * paper session of the parity test both run it; the daemon should import it instead of its
 * inline copy (see runtime/replay/README.md, "Injection points"), and then live, paper and
 * replay share this code too, not only its parts.
 */
import { assessEntry, SPL_TOKEN_PROGRAM, type EntryRequest, type MintInfo, type RiskBook, type RiskParams } from "../../actors/risk/index.js";
import type { Book, Decisions, Signal } from "../../actors/scorer/index.js";
import type { AppConfig } from "../../config/index.js";
import type { BarOutput } from "../../streams/bars/bar-book.js";
import type { PriceTick } from "../../streams/types.js";
import type { ScorerChild } from "../daemon/children/scorer.js";
import type { MarketState } from "../daemon/market-state.js";
import type { OpenResult, PositionBook } from "../positions/book.js";

export interface TradingPathHooks {
  /** A bar closed (the daemon counts it). */
  onBarClosed?(): void;
  /** Entries decided while entries were closed. */
  onHeld?(count: number): void;
  /** An entry was asked of the book: its answer. */
  onEntry?(signal: Signal, result: OpenResult): void;
  onEntryFailed?(signal: Signal, error: unknown): void;
  onRefused?(code: string): void;
  /** Decisions acted on (`outcome`: none, opened or held). */
  onDecided?(outcome: string, seenAt: number): void;
}

export interface TradingPathOptions {
  readonly config: AppConfig;
  readonly market: MarketState;
  readonly risk: RiskParams;
  /** The position book, once recovery built it. */
  readonly book: () => PositionBook | null;
  /** Entries allowed now (the daemon: supervisor running and not stopped by a user). */
  readonly entriesOpen: () => boolean;
  /** Wall or virtual time of a tick's arrival (MarketState's `seenAt`). */
  readonly now: () => number;
  readonly hooks?: TradingPathHooks;
}

export interface TradingPath {
  onTick(t: PriceTick): void;
  onBar(b: BarOutput): void;
  /** The scorer's view of the book at a close: what is held, and the entry risk check. */
  scorerBook(): Book;
  onDecisions(d: Decisions, seenAt: number): void;
  /** `book.open` calls not settled yet. */
  pendingEntries(): number;
  /** The scorer child the bars go to; set once it exists (it needs `scorerBook` and `onDecisions`). */
  attach(scorer: ScorerChild): void;
}

/** The simulated tokens are plain SPL tokens with both authorities revoked (pump.fun's), as the daemon assumes. */
export const simulatedMintInfo = (mint: string): MintInfo => ({ mint, program: SPL_TOKEN_PROGRAM, mintAuthority: null, freezeAuthority: null, extensions: [] });

export function tradingPath(o: TradingPathOptions): TradingPath {
  const h = o.hooks ?? {};
  let scorer: ScorerChild | null = null;
  let pending = 0;

  const entryRequest = (mint: string): EntryRequest | null => {
    const pool = o.market.riskPool(mint);
    return pool === undefined ? null : { mint, sizeSol: o.config.strategy.entryAmountSol, token: simulatedMintInfo(mint), pool };
  };

  const scorerBook = (): Book => {
    const book = o.book();
    const held = new Set((book?.list("active") ?? []).map((v) => v.mint));
    // One decision asks risk for each candidate in one synchronous pass: the book (a journal
    // query) cannot change in between, so it is read once, at the first ask.
    let riskBook: RiskBook | null = null;
    return {
      held,
      risk: (s: Signal) => {
        const req = entryRequest(s.mint);
        if (req === null || book === null) return { allow: false, reasons: [{ code: "no_pool", detail: `no SOL pool seen for ${s.mint}` }] };
        riskBook ??= book.riskBook();
        return assessEntry(req, riskBook, o.risk);
      },
    };
  };

  const onDecisions = (d: Decisions, seenAt: number): void => {
    const book = o.book();
    for (const s of d.signals) book?.scoreUpdate(s.mint, s.score);
    let outcome = d.entries.length === 0 ? "none" : "opened";
    if (d.entries.length > 0 && (book === null || !o.entriesOpen())) {
      outcome = "held";
      h.onHeld?.(d.entries.length);
    } else if (book !== null) {
      for (const e of d.entries) {
        const req = entryRequest(e.mint);
        if (req === null) continue;
        pending++;
        void book.open(req).then(
          (r) => {
            pending--;
            h.onEntry?.(e, r);
          },
          (err: unknown) => {
            pending--;
            h.onEntryFailed?.(e, err);
          },
        );
      }
    }
    for (const r of d.refused) h.onRefused?.(r.reasons[0]?.code ?? "risk");
    h.onDecided?.(outcome, seenAt);
  };

  return {
    onTick(t) {
      if (o.market.onTick(t, o.now())) o.book()?.priceTick(t.mint, t.price);
    },
    onBar(b) {
      if (b.kind === "bar") {
        o.market.onBar(b.bar);
        h.onBarClosed?.();
      }
      scorer?.onBar(b);
    },
    scorerBook,
    onDecisions,
    pendingEntries: () => pending,
    attach(s) {
      scorer = s;
    },
  };
}
