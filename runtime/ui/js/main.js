// Dashboard boot and wiring: token, first load, live events, stop/resume/exit commands.
import { Api, Unauthorized, forgetToken, initialToken, saveToken } from "./api.js";
import { PnlChart, ScannerChart, TrainingChart } from "./charts.js";
import { renderPnlSummary, renderPositions, renderStatus, renderTraining, renderTrades, toast } from "./dashboard.js";
import { el, setText } from "./format.js";
import { StatechartView } from "./statechart.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const DONE = new Set(["closed", "failed"]);
const TRADES = 100;

let api;
const ui = { positions: new Map(), trades: [], selectedId: null, renderQueued: false, drawn: false };

function showLogin(message = "") {
  $("app").hidden = true;
  $("login").hidden = false;
  setText("login-error", message);
  $("token-input").focus();
}

$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  saveToken($("token-input").value.trim());
  start();
});

async function start() {
  const token = initialToken();
  if (!token) return showLogin();
  api = new Api(token);
  try {
    await loadAll();
  } catch (e) {
    if (e instanceof Unauthorized) {
      forgetToken();
      return showLogin("That token was refused.");
    }
    toast(`Could not load: ${e.message}`, true);
  }
  $("login").hidden = true;
  $("app").hidden = false;
  api.connect(onEvent, (open) => {
    setText("live", open ? "live" : "reconnecting", `live${open ? " on" : ""}`);
  });
  setInterval(() => refreshSlow().catch(() => {}), 30_000);
}

const scanner = new ScannerChart($("scanner-chart"));
const pnl = new PnlChart($("pnl-chart"));
const training = new TrainingChart($("training-chart"));
const chart = new StatechartView($("statechart"));
const timeline = new Timeline($("timeline"), $("live-btn"), (record, visited) => {
  const known = chart.highlight(record.to, record.from, visited);
  setText("chart-note", known ? `#${record.seq} ${record.to}` : `state ${record.to} is not in this machine version`);
  $("statechart").dataset.active = record.to;
});

async function loadAll() {
  const [status, positions, machine] = await Promise.all([
    api.get("/status"), api.get("/positions"), ui.drawn ? null : api.get("/statechart/position"),
  ]);
  renderStatus(status);
  // A snapshot pushed while this fetch was in flight may be newer than what it returned.
  const fresh = new Map(positions.positions.map((p) => [p.id, p]));
  for (const [id, p] of ui.positions) if (fresh.has(id) && p.updatedAt > fresh.get(id).updatedAt) fresh.set(id, p);
  ui.positions = fresh;
  if (!ui.drawn) await chart.draw(machine); // the layout is the slow part; the machine does not change
  ui.drawn = true;
  renderAllPositions();
  await Promise.all([refreshSlow(), loadStrategy()]);
  const first = ui.selectedId ?? positions.positions[0]?.id;
  if (first !== undefined) await selectPosition(first);
  document.body.dataset.ready = "true";
}

/** What is not pushed live, or worth re-reading now and then. */
async function refreshSlow() {
  const [trades, tokens, dist, train] = await Promise.all([api.get(`/trades?limit=${TRADES}`), api.get("/scanner"), api.get("/pnl/distribution"), api.get("/training")]);
  ui.trades = trades.trades;
  renderTrades(ui.trades);
  scanner.update(tokens.tokens, new Set([...ui.positions.values()].map((p) => p.mint)));
  pnl.update(dist);
  renderPnlSummary(dist);
  training.update(train);
  renderTraining(train);
}

async function loadStrategy() {
  try {
    const s = await api.get("/strategy");
    const by = (split) => s.metrics.find((m) => m.split === split)?.metrics;
    const parts = ["train", "validation", "test"].filter(by).map((k) => `${k} ${Number(by(k).score ?? by(k).sharpe ?? 0).toFixed(2)}`);
    setText("formula", s.infix);
    setText("formula-sub", `${s.tokens.join(" ")}  ·  score ${parts.join(" / ")}`);
  } catch {
    // No active strategy yet: the status card already says so.
  }
}

function renderAllPositions() {
  const list = [...ui.positions.values()].sort((a, b) => b.openedAt - a.openedAt);
  renderPositions(list, ui.selectedId, { onSelect: selectPosition, onExit: exitPosition });
  const select = $("position-select");
  const ids = new Set(list.map((p) => p.id));
  if (ui.selectedId && !ids.has(ui.selectedId)) ids.add(ui.selectedId); // keep a closed one in view
  select.replaceChildren(...[...ids].map((id) => {
    const p = ui.positions.get(id);
    return el("option", { value: id, selected: id === ui.selectedId }, p ? `${p.symbol ?? p.mint.slice(0, 8)} · ${p.state}` : id);
  }));
}

/** Coalesce bursts of position snapshots into one render per frame. */
function queueRender() {
  if (ui.renderQueued) return;
  ui.renderQueued = true;
  requestAnimationFrame(() => {
    ui.renderQueued = false;
    renderAllPositions();
  });
}

async function selectPosition(id) {
  ui.selectedId = id;
  renderAllPositions();
  const detail = await api.get(`/positions/${encodeURIComponent(id)}`);
  if (ui.selectedId !== id) return;
  if (detail.transitions.length > 0) timeline.show(id, detail.transitions);
  else timeline.show(id, [{ seq: 0, from: null, to: detail.state, event: "snapshot", reason: detail.reason, ts: detail.updatedAt }]);
}

$("position-select").addEventListener("change", (e) => selectPosition(e.target.value));

function onEvent(event) {
  switch (event.type) {
    case "hello": // (re)connected: catch up on what was pushed before the socket was open
      return void loadAll().catch(() => {});
    case "status":
      return renderStatus(event.status);
    case "position":
      if (DONE.has(event.position.state) && event.position.id !== ui.selectedId) ui.positions.delete(event.position.id);
      else ui.positions.set(event.position.id, event.position);
      return queueRender();
    case "transition":
      if (event.positionId === ui.selectedId) timeline.append(event.transition);
      return;
    case "trade":
      ui.trades = [event.trade, ...ui.trades].slice(0, TRADES);
      return renderTrades(ui.trades);
    case "training":
      training.update(event.training);
      return renderTraining(event.training);
  }
}

async function command(path, done) {
  try {
    const result = await api.post(path);
    toast(done(result));
  } catch (e) {
    toast(`Failed: ${e.message}`, true);
  }
}

async function exitPosition(id) {
  const p = ui.positions.get(id);
  if (!confirm(`Exit ${p?.symbol ?? id} now at market?`)) return;
  await command(`/positions/${encodeURIComponent(id)}/exit`, (r) => `Exit requested for ${r.position.symbol ?? id}`);
}

$("stop-btn").addEventListener("click", () => {
  $("flatten").checked = false;
  $("stop-dialog").showModal();
});
$("stop-cancel").addEventListener("click", () => $("stop-dialog").close());
$("stop-confirm").addEventListener("click", async () => {
  const flatten = $("flatten").checked;
  $("stop-dialog").close();
  await command(`/stop?flatten=${flatten}`, (r) =>
    `Entries stopped (${r.state})${r.exiting.length ? `; exiting ${r.exiting.length} position(s)` : ""}`,
  );
});
$("resume-btn").addEventListener("click", () => command("/resume", (r) => `Entries resumed (${r.state})`));

start();
