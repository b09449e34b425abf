/**
 * A backtest's report directory:
 *
 *   summary.json      run (strategy, range, counters, hash) and metrics
 *   metrics.csv       the metrics, one per line
 *   trades.json/.csv  every fill: position, side, kind, qty, SOL, price, fees, pool
 *   equity.json/.csv  the equity curve (paper wallet + holdings at their last price)
 *   positions.json    every position as the HTTP API's `GET /positions/:id` returns it (the
 *                     statechart viewer's input), transitions oldest first
 *   transitions.csv   every transition of every position
 *   intents.csv       every order intent (what the hash covers, with the transitions)
 *   report.html       self-contained: metrics, equity and drawdown, PnL per round trip, the
 *                     position statechart with each position's history to step through
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writing } from "../../core/files.js";
import type { RejectedRecords } from "../../streams/replay/file-readers.js";
import type { ReplayRunData } from "./collect.js";
import type { ReplayCounters } from "./driver.js";
import { roundTrips, type BacktestMetrics } from "./metrics.js";
import { positionStatechartSvg } from "./statechart-svg.js";

export interface ReportMeta {
  readonly title: string;
  readonly source: string;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  readonly formula: string;
  readonly infix: string;
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  /** Records of a recording that were not rows, where some were. */
  readonly rejected?: RejectedRecords;
}

export interface ReportFiles {
  readonly dir: string;
  readonly files: readonly string[];
}

type Cell = string | number | boolean | null | undefined;

export function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (v: Cell): string => {
    if (v === null || v === undefined) return "";
    const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n";
}

const iso = (ms: number | null): string => (ms === null ? "" : new Date(ms).toISOString());

export async function writeReport(dir: string, run: ReplayRunData, metrics: BacktestMetrics, counters: ReplayCounters, meta: ReportMeta): Promise<ReportFiles> {
  await writing(dir, mkdir(dir, { recursive: true }));
  const files: [string, string][] = [];
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  files.push(["summary.json", json({ ...meta, hash: run.hash, metrics, counters, startSol: run.startSol, endSol: run.endSol })]);
  files.push(["metrics.csv", csv(["metric", "value"], Object.entries(metrics).map(([k, v]) => [k, v as Cell]))]);
  files.push(["trades.json", json(run.trades)]);
  files.push([
    "trades.csv",
    csv(
      ["time", "ts", "position", "mint", "side", "kind", "reason", "qty", "sol", "price", "network_fee_sol", "swap_fee_sol", "pool_sol", "fee_bps", "intent", "signature"],
      run.trades.map((t) => [iso(t.ts), t.ts, t.positionId, t.mint, t.side, t.kind, t.reason, t.qty, t.sol, t.price, t.networkFeeSol, t.swapFeeSol, t.poolSol, t.feeBps, t.intentId, t.signature]),
    ),
  ]);
  files.push(["equity.json", json(run.equity)]);
  files.push(["equity.csv", csv(["time", "ts", "equity_sol", "cash_sol", "positions_sol", "open_positions"], run.equity.map((p) => [iso(p.ts), p.ts, p.equitySol, p.cashSol, p.positionsSol, p.openPositions]))]);
  files.push(["positions.json", json(run.positions)]);
  files.push([
    "transitions.csv",
    csv(["position", "seq", "from", "to", "event", "reason", "time", "ts"], run.log.transitions.map((t) => [t.positionId, t.seq, t.from, t.to, t.event, t.reason, iso(t.ts), t.ts])),
  ]);
  files.push([
    "intents.csv",
    csv(
      ["intent", "position", "mint", "side", "kind", "amount", "amount_raw", "slippage_bps", "reason", "time", "ts"],
      run.log.intents.map((i) => [i.intentId, i.positionId, i.mint, i.side, i.kind, i.amount, i.amountRaw, i.slippageBps, i.reason, iso(i.ts), i.ts]),
    ),
  ]);
  files.push(["report.html", await reportHtml(run, metrics, counters, meta)]);
  for (const [name, text] of files) await writing(join(dir, name), writeFile(join(dir, name), text));
  return { dir, files: files.map(([n]) => n) };
}

// --------------------------------------------------------------------------------------------
// HTML

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "n/a" : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null, d = 3): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

/** A line chart as inline SVG: series of (x, y), optional filled area under the line. */
export function lineChart(points: readonly (readonly [number, number])[], o: { width?: number; height?: number; color?: string; fill?: boolean; yFormat?: (y: number) => string; xFormat?: (x: number) => string } = {}): string {
  const W = o.width ?? 900;
  const H = o.height ?? 220;
  const pad = { l: 64, r: 12, t: 10, b: 26 };
  if (points.length === 0) return `<svg viewBox="0 0 ${W} ${H}" class="chart"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (y - y0) / (y1 - y0)) * (H - pad.t - pad.b);
  // At most ~2 points per pixel column.
  const step = Math.max(1, Math.floor(points.length / (2 * (W - pad.l - pad.r))));
  const pts = points.filter((_, i) => i % step === 0 || i === points.length - 1).map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
  const fy = o.yFormat ?? ((y: number) => y.toFixed(3));
  const fx = o.xFormat ?? ((x: number) => new Date(x).toISOString().slice(0, 16).replace("T", " "));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
  const grid = ticks.map((y) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${sy(y)}" y2="${sy(y)}" class="grid"/><text x="${pad.l - 6}" y="${sy(y) + 4}" text-anchor="end">${esc(fy(y))}</text>`).join("");
  const xl = `<text x="${pad.l}" y="${H - 6}">${esc(fx(x0))}</text><text x="${W - pad.r}" y="${H - 6}" text-anchor="end">${esc(fx(x1))}</text>`;
  const area = o.fill === true ? `<polygon points="${sx(x0)},${sy(Math.max(y0, Math.min(0, y1)))} ${pts.join(" ")} ${sx(x1)},${sy(Math.max(y0, Math.min(0, y1)))}" fill="${o.color ?? "#4ea1ff"}" opacity="0.25"/>` : "";
  return `<svg viewBox="0 0 ${W} ${H}" class="chart">${grid}${xl}${area}<polyline points="${pts.join(" ")}" fill="none" stroke="${o.color ?? "#4ea1ff"}" stroke-width="1.6"/></svg>`;
}

/** Bars around zero, one per value. */
export function barChart(values: readonly number[], o: { width?: number; height?: number } = {}): string {
  const W = o.width ?? 900;
  const H = o.height ?? 180;
  const pad = { l: 64, r: 12, t: 10, b: 10 };
  if (values.length === 0) return `<svg viewBox="0 0 ${W} ${H}" class="chart"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">no closed round trips</text></svg>`;
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const sy = (y: number) => pad.t + (1 - (y - lo) / span) * (H - pad.t - pad.b);
  const bw = (W - pad.l - pad.r) / values.length;
  const bars = values.map((v, i) => {
    const y = Math.min(sy(v), sy(0));
    return `<rect x="${(pad.l + i * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${Math.max(0.5, Math.abs(sy(v) - sy(0))).toFixed(1)}" class="${v >= 0 ? "pos" : "neg"}"><title>${v.toFixed(4)} SOL</title></rect>`;
  });
  const axis = `<line x1="${pad.l}" x2="${W - pad.r}" y1="${sy(0)}" y2="${sy(0)}" class="grid"/><text x="${pad.l - 6}" y="${sy(hi) + 4}" text-anchor="end">${hi.toFixed(3)}</text><text x="${pad.l - 6}" y="${sy(lo) + 4}" text-anchor="end">${lo.toFixed(3)}</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" class="chart">${axis}${bars.join("")}</svg>`;
}

const CSS = `
:root { --bg:#0d1117; --panel:#161b22; --line:#30363d; --text:#e6edf3; --sub:#8b949e; --accent:#4ea1ff; --pos:#3fb950; --neg:#f85149; --active:#f0b429; }
body { background:var(--bg); color:var(--text); font:14px/1.45 system-ui, sans-serif; margin:0; padding:20px 28px; }
h1 { font-size:20px; margin:0 0 4px; } h2 { font-size:16px; margin:24px 0 8px; } .sub { color:var(--sub); }
code, .mono { font-family: ui-monospace, monospace; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(170px, 1fr)); gap:10px; margin-top:14px; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.card b { display:block; font-size:18px; } .card span { color:var(--sub); font-size:12px; }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; }
svg.chart { width:100%; height:auto; display:block; } svg.chart text { fill:var(--sub); font-size:11px; } svg.chart .grid { stroke:#2a313c; }
svg.chart rect.pos { fill:var(--pos); } svg.chart rect.neg { fill:var(--neg); }
table { border-collapse:collapse; width:100%; font-size:12.5px; } th, td { padding:4px 8px; border-bottom:1px solid var(--line); text-align:left; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; } tr.sel td { background:#1f2a37; } tbody tr { cursor:default; }
#positions tbody tr { cursor:pointer; } #positions tbody tr:hover td { background:#1a2230; }
.scroll { max-height:420px; overflow:auto; }
.split { display:grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap:12px; }
.statechart { height:620px; overflow:auto; background:#0b0e13; border:1px solid var(--line); border-radius:6px; }
.statechart svg { display:block; margin:0 auto; }
.sc-node > rect { fill:#121821; stroke:#3a4656; stroke-width:1.2; } .sc-node.compound > rect { fill:rgba(255,255,255,.02); stroke-dasharray:4 3; }
.sc-node.final > rect { stroke-width:2.4; } .sc-node > text { fill:#c9d1d9; font:12px ui-monospace, monospace; }
.sc-node.visited > rect { stroke:#6b7d95; } .sc-node.ancestor > rect { stroke:var(--active); stroke-dasharray:none; }
.sc-node.active > rect { fill:#4a3b0b; stroke:var(--active); stroke-width:2.5; } .sc-node.active > text { fill:#ffd866; font-weight:700; }
.sc-node.compound.active > rect { fill:rgba(240,180,41,.10); stroke-dasharray:none; }
.sc-edge path { fill:none; stroke:#465163; stroke-width:1.2; } .sc-edge.taken path { stroke:var(--active); stroke-width:2.4; }
#sc-arrow path { fill:#465163; } #sc-arrow-hot path { fill:var(--active); }
.timeline { list-style:none; margin:0; padding:0; max-height:560px; overflow:auto; font-size:12.5px; }
.timeline li button { all:unset; display:block; width:100%; box-sizing:border-box; padding:5px 8px; border-bottom:1px solid var(--line); cursor:pointer; }
.timeline li.current button { background:#2d2710; box-shadow:inset 3px 0 var(--active); } .timeline li.future { opacity:.45; }
.timeline .to { font-family:ui-monospace, monospace; color:var(--active); } .timeline .meta { display:block; color:var(--sub); font-size:11.5px; }
`;

/** The viewer's behaviour, the web UI's highlight and time travel (runtime/ui/js/statechart.js, timeline.js), without a server. */
const VIEWER = `
const positions = JSON.parse(document.getElementById("positions-data").textContent);
const chart = document.getElementById("statechart");
const nodes = new Map([...chart.querySelectorAll(".sc-node")].map((g) => [g.dataset.state, g]));
const edges = new Map([...chart.querySelectorAll(".sc-edge")].map((g) => [g.dataset.from + "|" + g.dataset.to, g]));
const within = (p, s) => p === s || p.startsWith(s + ".");
function edgeOf(from, to) {
  let found;
  for (const [key, g] of edges) {
    const [s, t] = key.split("|");
    if (!within(to, t) || !(within(from, s) || within(s, from))) continue;
    if (s === from && t === to) return g;
    found ??= g;
  }
  return found;
}
function highlight(state, from, visited) {
  for (const g of nodes.values()) g.classList.remove("active", "ancestor", "visited");
  for (const g of edges.values()) { g.classList.remove("taken"); g.querySelector("path").setAttribute("marker-end", "url(#sc-arrow)"); }
  for (const v of visited) nodes.get(v)?.classList.add("visited");
  const parts = state.split(".");
  for (let i = 1; i < parts.length; i++) nodes.get(parts.slice(0, i).join("."))?.classList.add("ancestor");
  const e = from ? edgeOf(from, state) : undefined;
  if (e) { e.classList.add("taken"); e.querySelector("path").setAttribute("marker-end", "url(#sc-arrow-hot)"); }
  const n = nodes.get(state);
  n?.classList.add("active");
  if (n) { const r = n.querySelector("rect"); const y = Number(r.getAttribute("y")); if (y < chart.scrollTop || y > chart.scrollTop + chart.clientHeight - 40) chart.scrollTop = Math.max(0, y - chart.clientHeight / 2); }
  return n !== undefined;
}
const list = document.getElementById("timeline");
const note = document.getElementById("chart-note");
let current = null;
function show(id, seq) {
  const p = positions.find((x) => x.id === id);
  if (!p) return;
  current = id;
  for (const tr of document.querySelectorAll("#positions tbody tr")) tr.classList.toggle("sel", tr.dataset.id === id);
  const recs = p.transitions;
  const at = seq ?? recs[recs.length - 1]?.seq;
  list.replaceChildren(...recs.map((r) => {
    const li = document.createElement("li");
    li.className = r.seq === at ? "current" : r.seq > at ? "future" : "";
    const b = document.createElement("button");
    b.type = "button";
    b.innerHTML = "#" + r.seq + " <span class=to></span><span class=meta></span>";
    b.querySelector(".to").textContent = r.to + (r.from ? "  ← " + r.from : "");
    b.querySelector(".meta").textContent = new Date(r.ts).toISOString().replace("T", " ").slice(0, 23) + " · " + r.event + " · " + r.reason;
    b.onclick = () => show(id, r.seq);
    li.append(b);
    return li;
  }));
  const rec = recs.find((r) => r.seq === at);
  if (rec) {
    const known = highlight(rec.to, rec.from, recs.filter((r) => r.seq <= rec.seq).map((r) => r.to));
    note.textContent = p.id + " #" + rec.seq + " " + rec.to + (known ? "" : " (not in this machine version)");
  }
  location.hash = "position=" + encodeURIComponent(id) + (seq !== undefined ? "&seq=" + seq : "");
}
for (const tr of document.querySelectorAll("#positions tbody tr")) tr.onclick = () => show(tr.dataset.id);
const m = /position=([^&]+)(?:&seq=(\\d+))?/.exec(location.hash);
if (m) show(decodeURIComponent(m[1]), m[2] === undefined ? undefined : Number(m[2]));
else if (positions.length > 0) show(positions[0].id);
`;

export async function reportHtml(run: ReplayRunData, m: BacktestMetrics, counters: ReplayCounters, meta: ReportMeta): Promise<string> {
  const equity = run.equity.map((p) => [p.ts, p.equitySol] as const);
  let peak = Number.NEGATIVE_INFINITY;
  const dd = run.equity.map((p) => {
    peak = Math.max(peak, p.equitySol);
    return [p.ts, peak > 0 ? -(peak - p.equitySol) / peak : 0] as const;
  });
  const trips = roundTrips(run);
  const card = (label: string, value: string) => `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
  const cards = [
    card("net return", pct(m.netReturn)),
    card("equity (SOL)", `${num(m.startSol, 2)} → ${num(m.endSol, 3)}`),
    card("Sharpe (daily)", num(m.sharpe, 2)),
    card("max drawdown", pct(m.maxDrawdown)),
    card("hit rate", `${pct(m.hitRate)} of ${m.roundTrips}`),
    card("turnover", `${num(m.turnover, 2)}x${m.turnoverPerDay === null ? "" : ` (${num(m.turnoverPerDay, 2)}x/day)`}`),
    card("fees paid (SOL)", `${num(m.feesSol, 4)} (swap ${num(m.swapFeesSol, 4)})`),
    card("capacity (SOL/entry)", m.capacitySol === null ? "n/a" : `${num(m.capacitySol, 1)} (traded ${num(m.entrySol, 2)})`),
    card("positions", `${m.positions} (${m.openAtEnd} open at end)`),
    card("trades", String(m.trades)),
  ].join("");
  const posRows = run.positions.map((p) => {
    const trip = trips.find((t) => t.positionId === p.id);
    return `<tr data-id="${esc(p.id)}"><td class="mono">${esc(p.id)}</td><td class="mono">${esc(p.mint.slice(0, 10))}…</td><td>${esc(p.state)}</td><td>${esc(p.reason)}</td>` +
      `<td>${esc(new Date(p.openedAt).toISOString().slice(0, 19).replace("T", " "))}</td><td class="num">${p.transitions.length}</td>` +
      `<td class="num">${trip === undefined ? "" : trip.pnlSol.toFixed(4)}</td><td class="num">${trip === undefined ? "" : pct(trip.ret)}</td></tr>`;
  }).join("");
  const TRADES_SHOWN = 1000;
  const tradeRows = run.trades.slice(0, TRADES_SHOWN).map((t) =>
    `<tr><td>${esc(new Date(t.ts).toISOString().slice(0, 19).replace("T", " "))}</td><td class="mono">${esc(t.positionId)}</td><td>${t.side}</td><td>${t.kind}</td><td>${esc(t.reason)}</td>` +
    `<td class="num">${t.qty.toFixed(2)}</td><td class="num">${t.sol.toFixed(4)}</td><td class="num">${t.price.toExponential(4)}</td><td class="num">${(t.networkFeeSol + t.swapFeeSol).toFixed(5)}</td><td class="num">${t.poolSol === null ? "" : t.poolSol.toFixed(1)}</td></tr>`).join("");
  const svg = await positionStatechartSvg();
  // JSON inside <script>: "</" must not close the element.
  const data = JSON.stringify(run.positions).replace(/</g, "\\u003c");
  const range = `${meta.fromMs === null ? "start" : iso(meta.fromMs)} .. ${meta.toMs === null ? "end" : iso(meta.toMs)}`;
  const r = counters.replay;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(meta.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(meta.title)}</h1>
<p class="sub">formula <code>${esc(meta.formula)}</code> (${esc(meta.infix)}) · source ${esc(meta.source)} · ${esc(range)} · seed ${meta.seed}<br>
${counters.events.toLocaleString("en-US")} events${r === null ? "" : ` from ${r.rows.toLocaleString("en-US")} rows`} replayed in ${(counters.wallMs / 1000).toFixed(2)} s · ${counters.bars.toLocaleString("en-US")} bars, ${counters.closes} closes · transition log sha256 <code>${run.hash}</code></p>
<section class="cards">${cards}</section>
<h2>Equity (SOL)</h2><div class="panel">${lineChart(equity, { fill: false })}</div>
<h2>Drawdown</h2><div class="panel">${lineChart(dd, { color: "#f85149", fill: true, yFormat: (y) => `${(100 * y).toFixed(1)}%` })}</div>
<h2>PnL per round trip (SOL)</h2><div class="panel">${barChart(trips.map((t) => t.pnlSol))}</div>
<h2>Positions <span class="sub">select one to step through its history on the statechart</span></h2>
<div class="panel scroll"><table id="positions"><thead><tr><th>id</th><th>mint</th><th>state</th><th>reason</th><th>opened (UTC)</th><th class="num">transitions</th><th class="num">PnL SOL</th><th class="num">return</th></tr></thead><tbody>${posRows}</tbody></table></div>
<h2>Statechart <span id="chart-note" class="sub"></span></h2>
<div class="split"><div id="statechart" class="statechart">${svg}</div><div class="panel"><ol id="timeline" class="timeline"></ol></div></div>
<h2>Trades <span class="sub">${run.trades.length > TRADES_SHOWN ? `first ${TRADES_SHOWN} of ${run.trades.length}; all in trades.csv` : `${run.trades.length}`}</span></h2>
<div class="panel scroll"><table><thead><tr><th>time (UTC)</th><th>position</th><th>side</th><th>kind</th><th>reason</th><th class="num">qty</th><th class="num">SOL</th><th class="num">price</th><th class="num">fees</th><th class="num">pool SOL</th></tr></thead><tbody>${tradeRows}</tbody></table></div>
<script type="application/json" id="positions-data">${data}</script>
<script>${VIEWER}</script>
</body></html>
`;
}
