/**
 * One token's life, a step at a time: launch (creator buy, snipers), retail flow under hype and
 * fading attention, moon/bear regimes, pumps and later dumps, creator sells, buy or sell bursts,
 * the planted signal's candle followers when it is on, migration when the curve completes, and
 * for rug-prone direct launches the liquidity pull and the panic after it.
 *
 * A step first draws the orders it will see (`#plan*`), then executes them in time order against
 * the venue (`#execute`), which is deterministic: every random draw happens while planning.
 */
import type { Rng } from "../../core/random.js";
import { randInt, randNormal, randStudentT, seededRng } from "../../core/random.js";
import type { TokenRow } from "../../runtime/storage/storage.js";
import { LAMPORTS_PER_SOL, TOKEN_TOTAL_SUPPLY } from "./constants.js";
import type { Fill } from "./curve.js";
import { perStep, poisson, uniform } from "./draw.js";
import type { SimEvent, SimFlow, SimTradeEvent } from "./events.js";
import { launchEvent, migrateEvent, rugEvent, tradeEvent, type Stamp } from "./emit.js";
import { FLOW, type Order } from "./flow.js";
import { mix32Pair, signatureFor } from "./ids.js";
import { tokenRow, type TokenPlan } from "./roster.js";
import type { Timeline } from "./timeline.js";
import type { TraderGroup, TraderPopulation } from "./traders.js";
import { Venue } from "./venue.js";

export interface StepContext {
  readonly k: number;
  readonly solUsd: number;
  readonly timeline: Timeline;
  readonly traders: TraderPopulation;
  /** Step length in minutes. */
  readonly minutes: number;
  readonly activity: number;
  /** Cap on retail orders this step. */
  readonly maxRetail: number;
  /** Planted signal strength; 0 = off. */
  readonly signalStrength: number;
  readonly seedHash: number;
}

export class TokenAgent {
  readonly plan: TokenPlan;
  readonly #rng: Rng;
  /** Only the planted signal's follow-on draws from this, so turning it on leaves the base draws alone. */
  readonly #signalRng: Rng;
  #venue: Venue | null = null;
  #dead = false;
  #hype = 0;
  #regime: 0 | 1 | 2 = 0;
  #bias = 0;
  /** Raw tokens held by the public, by the pump group, and by the creator. */
  #float = 0;
  #pumpBag = 0;
  #devBag = 0;
  #dumpStep = -1;
  /** This step's candle (trade prices in SOL), and the follow-on move it asks of the next step. */
  #candleOpen = 0;
  #candleHigh = 0;
  #candleLow = 0;
  #candleClose = 0;
  #candleTrades = 0;
  #pendingMove = 0;
  #attentionStep: number;
  #fadeMinutes: number;
  #counter = 0;
  #orders: Order[] = [];

  constructor(plan: TokenPlan, seedHash: number) {
    this.plan = plan;
    this.#rng = seededRng(mix32Pair(seedHash, plan.index));
    this.#signalRng = seededRng(mix32Pair(seedHash ^ 0x51a7e, plan.index));
    this.#attentionStep = plan.launchStep;
    this.#fadeMinutes = plan.fadeMinutes;
    this.#hype = FLOW.hypeSd * randNormal(this.#rng);
  }

  get isDead(): boolean {
    return this.#dead;
  }

  /** Advance one step: append this token's events (time-ordered) and any new token rows. */
  step(ctx: StepContext, out: SimEvent[], rows: TokenRow[]): void {
    if (this.#dead || ctx.k < this.plan.launchStep) return;
    this.#orders = [];
    let tMin = 0;
    if (!this.#venue) {
      this.#launch(ctx, out, rows);
      tMin = this.plan.launchT;
    }
    const venue = this.#venue as Venue;
    const rng = this.#rng;
    const m = ctx.minutes;
    this.#stepHype(m);
    const solSide = venue.solReserve / LAMPORTS_PER_SOL;
    const fade = Math.max(FLOW.fadeFloor, Math.exp(-((ctx.k - this.#attentionStep) * m) / this.#fadeMinutes));
    const intensity =
      this.plan.appeal * Math.exp(this.#hype - 0.5 * FLOW.hypeSd * FLOW.hypeSd) * fade * (this.#regime ? FLOW.regimeActivity : 1);

    let tMax = 1;
    if (this.plan.rugStep >= 0 && ctx.k >= this.plan.rugStep && venue.kind === "raydium" && tMin === 0) {
      tMax = this.#planRug(ctx);
    }
    const dying = tMax < 1;
    const span = tMax - tMin;
    const n = Math.min(poisson(rng, FLOW.baseTradesPerMinute * ctx.activity * intensity * m * span), ctx.maxRetail);
    for (let i = 0; i < n; i++) {
      const t = tMin + span * rng.next();
      const side = rng.next() < 0.5 + this.#bias ? "buy" : "sell";
      const trader = ctx.traders.pick(rng, "retail");
      this.#push(t, side, this.#retailLamports(rng, solSide, ctx.traders.sizeFactor[trader] ?? 1), 0, "retail", trader);
    }
    if (!dying) {
      this.#planPumpAndDump(ctx, tMin, solSide, fade);
      this.#planBurst(ctx, tMin, solSide, intensity);
      this.#planFollow(ctx, tMin, solSide);
    }
    this.#orders.sort((a, b) => a.t - b.t);
    this.#candleTrades = 0;
    this.#execute(ctx, out, rows);
    this.#pendingMove = this.#candleMove(ctx.signalStrength);
    if (dying) this.#dead = true;
  }

  #stepHype(m: number): void {
    const rng = this.#rng;
    const rho = Math.pow(FLOW.hypeRhoPerMinute, m);
    this.#hype = rho * this.#hype + FLOW.hypeSd * Math.sqrt(1 - rho * rho) * randNormal(rng);
    const u = rng.next();
    if (this.#regime === 0) {
      const moon = perStep(FLOW.moonPerMinute * Math.sqrt(this.plan.appeal), m);
      const bear = perStep(FLOW.bearPerMinute, m);
      if (u < moon) {
        this.#regime = 1;
        this.#bias = uniform(rng, FLOW.regimeBias[0], FLOW.regimeBias[1]);
      } else if (u < moon + bear) {
        this.#regime = 2;
        this.#bias = -uniform(rng, FLOW.regimeBias[0], FLOW.regimeBias[1]);
      }
    } else if (u < perStep(FLOW.regimeExitPerMinute, m)) {
      this.#regime = 0;
      this.#bias = 0;
    }
  }

  #retailLamports(rng: Rng, solSide: number, walletFactor: number): number {
    const tail = Math.min(Math.abs(randStudentT(rng, 3)), FLOW.sizeTailCap);
    const sol = FLOW.sizeCoef * Math.sqrt(solSide) * walletFactor * tail;
    return Math.round(Math.min(Math.max(sol, FLOW.minOrderSol), FLOW.maxOrderShare * solSide) * LAMPORTS_PER_SOL);
  }

  #push(t: number, side: Order["side"], lamports: number, share: number, flow: SimFlow, trader: number): void {
    this.#orders.push({ t, side, lamports, share, flow, trader });
  }

  /** Split `sol` SOL into `count` buys at random times in [from, to). */
  #splitBuys(rng: Rng, sol: number, count: number, from: number, to: number, flow: SimFlow, group: TraderGroup, ctx: StepContext): void {
    let left = 0;
    const weights: number[] = [];
    for (let i = 0; i < count; i++) {
      const w = 0.5 + rng.next();
      weights.push(w);
      left += w;
    }
    for (const w of weights) {
      const t = from + (to - from) * rng.next();
      this.#push(t, "buy", Math.round((sol * w * LAMPORTS_PER_SOL) / left), 0, flow, ctx.traders.pick(rng, group));
    }
  }

  /** `count` sells at increasing times in [from, to) that together sell the whole bag. */
  #sellBag(rng: Rng, count: number, from: number, to: number, flow: SimFlow, trader: number): void {
    const ts: number[] = [];
    for (let i = 0; i < count; i++) ts.push(from + (to - from) * rng.next());
    ts.sort((a, b) => a - b);
    ts.forEach((t, i) => this.#push(t, "sell", 0, 1 / (count - i), flow, trader));
  }

  #launch(ctx: StepContext, out: SimEvent[], rows: TokenRow[]): void {
    const p = this.plan;
    const rng = this.#rng;
    this.#venue = p.direct ? Venue.raydium(p.launchPool, p.directSol, p.directToken) : Venue.curve(p.launchPool);
    if (p.direct) this.#devBag = TOKEN_TOTAL_SUPPLY - p.directToken;
    const v = this.#venue;
    out.push(launchEvent(this.#stamp(ctx, p.launchSlot), v, p.symbol, p.name, p.creator));
    rows.push(tokenRow(p));
    if (!p.direct && rng.next() < FLOW.devBuyProbability) {
      this.#push(p.launchT, "buy", Math.round(uniform(rng, FLOW.devBuySol[0], FLOW.devBuySol[1]) * LAMPORTS_PER_SOL), 0, "dev", -1);
    }
    const snipers = FLOW.snipers[0] + randInt(rng, FLOW.snipers[1] - FLOW.snipers[0] + 1);
    for (let i = 0; i < snipers; i++) {
      const t = p.launchT + (1 - p.launchT) * rng.next() * rng.next();
      const sol = uniform(rng, FLOW.sniperSol[0], FLOW.sniperSol[1]);
      this.#push(t, "buy", Math.round(sol * LAMPORTS_PER_SOL), 0, "sniper", ctx.traders.pick(rng, "sniper"));
    }
  }

  /** The creator pulls the liquidity at a random time; holders panic-sell after it. Returns its time. */
  #planRug(ctx: StepContext): number {
    const rng = this.#rng;
    const tRug = uniform(rng, 0.1, 0.7);
    this.#push(tRug, "rug", 0, uniform(rng, FLOW.rugShare[0], FLOW.rugShare[1]), "dev", -1);
    const panic = FLOW.panicSells[0] + randInt(rng, FLOW.panicSells[1] - FLOW.panicSells[0] + 1);
    for (let i = 0; i < panic; i++) {
      const t = tRug + (1 - tRug) * rng.next();
      this.#push(t, "sell", 0, uniform(rng, FLOW.panicShare[0], FLOW.panicShare[1]), "panic", ctx.traders.pick(rng, "retail"));
    }
    return tRug;
  }

  #planPumpAndDump(ctx: StepContext, tMin: number, solSide: number, fade: number): void {
    const rng = this.#rng;
    const m = ctx.minutes;
    if (this.#dumpStep >= 0 && ctx.k >= this.#dumpStep) {
      this.#dumpStep = -1;
      if (this.#pumpBag > 0) {
        this.#sellBag(rng, 2 + randInt(rng, 4), tMin, 1, "dump", ctx.traders.pick(rng, "whale"));
      }
    } else if (this.#dumpStep < 0 && rng.next() < perStep(FLOW.pumpPerMinute * Math.sqrt(this.plan.appeal * fade), m)) {
      const t0 = tMin + (1 - tMin) * 0.6 * rng.next();
      const size = solSide * uniform(rng, FLOW.pumpSize[0], FLOW.pumpSize[1]);
      this.#splitBuys(rng, size, 3 + randInt(rng, 4), t0, t0 + (1 - t0) * 0.5, "pump", "whale", ctx);
      if (rng.next() < FLOW.dumpProbability) {
        const minutes = 1 + Math.log(1 - rng.next()) * -FLOW.dumpDelayMinutes;
        this.#dumpStep = ctx.k + Math.max(1, Math.ceil(minutes / m));
      }
    }
    if (this.#devBag > 0 && rng.next() < perStep(FLOW.devSellPerMinute, m)) {
      this.#sellBag(rng, 1 + randInt(rng, 3), tMin, 1, "dev", -1);
    }
  }

  /** A burst of same-side orders from bots within one bar: buys (more often) or sells. */
  #planBurst(ctx: StepContext, tMin: number, solSide: number, intensity: number): void {
    const rng = this.#rng;
    if (rng.next() >= perStep(FLOW.burstPerMinute * Math.min(1, intensity), ctx.minutes)) return;
    const sol = solSide * uniform(rng, FLOW.burstSize[0], FLOW.burstSize[1]);
    const count = 3 + randInt(rng, 5);
    if (rng.next() < FLOW.burstBuyShare) {
      this.#splitBuys(rng, sol, count, tMin, 1, "burst", "bot", ctx);
      return;
    }
    for (let i = 0; i < count; i++) {
      const t = tMin + (1 - tMin) * rng.next();
      this.#push(t, "sell", Math.round((sol * LAMPORTS_PER_SOL) / count), 0, "burst", ctx.traders.pick(rng, "bot"));
    }
  }

  /**
   * The planted signal (see `signal.ts`): candle followers. The previous step's candle had
   * PRESSURE `p = tanh(3 (close - open) / (high - low))` and range `ln(high / low)`; followers now
   * trade in its direction, enough to move the price by `strength * p * ln(high / low) / 2` in log
   * terms. The price is the square of the SOL side over the invariant, so buying
   * `X (exp(r / 2) - 1)` SOL moves it by `r`; selling that SOL notional moves it by about `r`.
   */
  #planFollow(ctx: StepContext, tMin: number, solSide: number): void {
    const r = this.#pendingMove;
    this.#pendingMove = 0;
    if (ctx.signalStrength <= 0 || r === 0) return;
    const rng = this.#signalRng;
    const count = 2 + randInt(rng, 4);
    if (r > 0) {
      this.#splitBuys(rng, solSide * (Math.exp(r / 2) - 1), count, tMin, 1, "follow", "bot", ctx);
      return;
    }
    const sol = solSide * (1 - Math.exp(r / 2));
    for (let i = 0; i < count; i++) {
      const t = tMin + (1 - tMin) * rng.next();
      this.#push(t, "sell", Math.round((sol * LAMPORTS_PER_SOL) / count), 0, "follow", ctx.traders.pick(rng, "bot"));
    }
  }

  /** The follow-on move the current step's candle asks for (0 with fewer than two trades or the signal off). */
  #candleMove(strength: number): number {
    if (strength <= 0 || this.#candleTrades < 2 || !(this.#candleHigh > this.#candleLow)) return 0;
    const pressure = Math.tanh((3 * (this.#candleClose - this.#candleOpen)) / (this.#candleHigh - this.#candleLow));
    const move = (strength * pressure * Math.log(this.#candleHigh / this.#candleLow)) / 2;
    return Math.abs(move) >= FLOW.followMinMove ? move : 0;
  }

  #execute(ctx: StepContext, out: SimEvent[], rows: TokenRow[]): void {
    const v = this.#venue as Venue;
    for (const o of this.#orders) {
      const slot = ctx.timeline.slotAt(ctx.k, o.t);
      if (o.side === "rug") {
        const removed = v.rug(o.share);
        this.#devBag += removed.token;
        out.push(rugEvent(this.#stamp(ctx, slot), v, removed, this.plan.creator));
        continue;
      }
      if (o.side === "buy") {
        const fill = v.buy(o.lamports);
        if (!fill) continue;
        if (o.flow === "pump") this.#pumpBag += fill.tokens;
        else if (o.flow === "dev") this.#devBag += fill.tokens;
        else this.#float += fill.tokens;
        out.push(this.#trade(ctx, slot, "buy", fill, o));
        if (v.complete) this.#migrate(ctx, slot, out, rows);
        continue;
      }
      const bag = o.flow === "dump" ? this.#pumpBag : o.flow === "dev" ? this.#devBag : this.#float;
      const cap = o.flow === "follow" || o.flow === "burst" ? bag : bag * FLOW.sellCapShare;
      const want = o.share > 0 ? bag * o.share : Math.min((o.lamports * v.tokenReserve) / v.solReserve, cap);
      const fill = v.sell(Math.min(Math.floor(want), bag, v.sellable));
      if (!fill) continue;
      if (o.flow === "dump") this.#pumpBag -= fill.tokens;
      else if (o.flow === "dev") this.#devBag -= fill.tokens;
      else this.#float -= fill.tokens;
      out.push(this.#trade(ctx, slot, "sell", fill, o));
    }
  }

  #migrate(ctx: StepContext, slot: number, out: SimEvent[], rows: TokenRow[]): void {
    const v = this.#venue as Venue;
    const fromPool = v.migrate(this.plan.migrationPool);
    // Graduation draws attention again: hype up, the fading clock restarts.
    this.#attentionStep = ctx.k;
    this.#fadeMinutes = this.plan.fadeMinutes * 1.5;
    this.#hype += 0.5;
    out.push(migrateEvent(this.#stamp(ctx, slot), v, fromPool));
    rows.push(tokenRow(this.plan, true));
  }

  #trade(ctx: StepContext, slot: number, side: "buy" | "sell", fill: Fill, o: Order): SimTradeEvent {
    const v = this.#venue as Venue;
    const price = v.price;
    if (this.#candleTrades++ === 0) {
      this.#candleOpen = price;
      this.#candleHigh = price;
      this.#candleLow = price;
    } else if (price > this.#candleHigh) this.#candleHigh = price;
    else if (price < this.#candleLow) this.#candleLow = price;
    this.#candleClose = price;
    const trader = o.trader < 0 ? this.plan.creator : (ctx.traders.addresses[o.trader] ?? this.plan.creator);
    return tradeEvent(this.#stamp(ctx, slot), v, side, fill, trader, o.flow);
  }

  #stamp(ctx: StepContext, slot: number): Stamp {
    return {
      mint: this.plan.mint,
      slot,
      tsMs: ctx.timeline.slotMs(slot),
      signature: signatureFor(ctx.seedHash, this.plan.index, this.#counter++),
      solUsd: ctx.solUsd,
    };
  }
}
