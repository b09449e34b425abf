/**
 * The daemon's trading path between the stream and the position book, as one function:
 *
 *   price tick ─> MarketState ─> book.priceTick (stops on every tick); the mint wanted by `mints`
 *   bar output ─> MarketState.onBar ─> scorer child ─> decisions ─> scores to held positions,
 *                                                      risk-checked entries ─> book.open
 *
 * Risk judges the mint account as `mints` (actors/risk/mint-info.ts) knows it: an entry whose
 * mint is unknown or unreadable is refused (`mint_unknown`, `mint_unreadable`), never assumed safe.
 *
 * One piece of glue for every mode: `startDaemon` (runtime/daemon/daemon.ts) runs it with its
 * metrics and logging behind the optional hooks, and replay and the paper session of the parity
 * test run it as is. The pieces it wires are the daemon's own: `MarketState`, `Scorer` +
 * `scorerChild`, `PositionBook`, the executor child.
 */
import { assessEntry, entrySize, mintRefusal, type EntryRequest, type MintInfoShape, type RiskBook, type RiskParams } from "../../actors/risk/index.js";
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
  /** An entry refused: by risk at the close, or when it was to be opened (no pool, mint not known). */
  onRefused?(code: string, mint: string, detail: string): void;
  /** Decisions acted on (`outcome`: none, opened or held). */
  onDecided?(outcome: string, seenAt: number): void;
}

export interface TradingPathOptions {
  readonly config: AppConfig;
  readonly market: MarketState;
  readonly risk: RiskParams;
  /** What each mint's account says (token safety); an entry whose mint is not known is refused. */
  readonly mints: MintInfoShape;
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

type EntryRefusal = { readonly code: string; readonly detail: string };

export function tradingPath(o: TradingPathOptions): TradingPath {
  const h = o.hooks ?? {};
  let scorer: ScorerChild | null = null;
  let pending = 0;

  /** The entry as risk judges it, or why it cannot be judged (fail closed: never entered). */
  const entryRequest = (mint: string): EntryRequest | EntryRefusal => {
    const pool = o.market.riskPool(mint);
    if (pool === undefined) return { code: "no_pool", detail: `no SOL pool seen for ${mint}` };
    const token = o.mints.lookup(mint);
    if (token._tag !== "Known") return mintRefusal(token);
    return { mint, sizeSol: entrySize(pool, o.config.strategy.entryAmountSol, o.risk), token: token.info, pool };
  };
  const refused = (r: EntryRequest | EntryRefusal): r is EntryRefusal => "code" in r;

  const scorerBook = (): Book => {
    const book = o.book();
    const held = new Set((book?.list("active") ?? []).map((v) => v.mint));
    // One close decides synchronously, so the book cannot change between its risk checks: read
    // it (a journal query) once per close, not once per candidate.
    let riskBook: RiskBook | null = null;
    return {
      held,
      risk: (s: Signal) => {
        const req = entryRequest(s.mint);
        if (refused(req)) return { allow: false, reasons: [req] };
        if (book === null) return { allow: false, reasons: [{ code: "no_book", detail: "positions are not reconciled yet" }] };
        return assessEntry(req, (riskBook ??= book.riskBook()), o.risk);
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
        if (refused(req)) {
          h.onRefused?.(req.code, e.mint, req.detail);
          continue;
        }
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
    for (const r of d.refused) h.onRefused?.(r.reasons[0]?.code ?? "risk", r.signal.mint, r.reasons[0]?.detail ?? "");
    h.onDecided?.(outcome, seenAt);
  };

  return {
    onTick(t) {
      if (!o.market.onTick(t, o.now())) return;
      o.book()?.priceTick(t.mint, t.price);
      // A traded mint may be asked about at the next close: a live source reads it now.
      o.mints.want(t.mint);
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
