// The dashboard's text parts: top bar, cards, positions table, trade log. Pure rendering from
// the API's JSON; every value goes in as text.
import { DASH, el, fmtCompact, fmtPct, fmtPrice, fmtSol, fmtTime, setText, signClass } from "./format.js";

export function renderStatus(s) {
  setText("mode", s.mode, "badge");
  setText("state", s.state, `badge ${s.state}`);
  setText("entries", s.entriesEnabled ? "entries on" : "entries off", `badge ${s.entriesEnabled ? "on" : "off"}`);
  document.getElementById("resume-btn").hidden = s.entriesEnabled;
  document.getElementById("stop-btn").hidden = false;
  setText("wallet", fmtSol(s.walletBalanceSol, 3));
  setText("wallet-sub", `${s.mode} mode`);
  setText("open-count", `${s.openPositions} / ${s.maxPositions}`);
  if (s.strategy) {
    setText("formula", s.strategy.infix);
    setText("formula-sub", `${s.strategy.id}${s.strategy.validationScore == null ? "" : ` · validation ${s.strategy.validationScore.toFixed(2)}`}`);
  } else {
    setText("formula", "no strategy yet");
    setText("formula-sub", "the trainer has not promoted a formula");
  }
  if (s.training) renderTraining(s.training);
  const kids = s.children.map((c) => {
    const note = c.restarts ? ` (${c.restarts} restart${c.restarts > 1 ? "s" : ""})` : "";
    return el("span", { title: c.lastError ?? "" }, el("b", {}, c.name), ` ${c.state}${note}`);
  });
  const feeds = s.feeds.map((f) => el("span", {}, el("b", {}, f.name), ` ${f.stalenessMs == null ? "no data" : `${(f.stalenessMs / 1000).toFixed(1)} s ago`}`));
  document.getElementById("children").replaceChildren("children: ", ...join(kids), "  ·  feeds: ", ...join(feeds));
}

function join(nodes) {
  return nodes.flatMap((n, i) => (i ? [", ", n] : [n]));
}

export function renderTraining(t) {
  setText("train-step", t.totalSteps ? `${t.step} / ${t.totalSteps}` : String(t.step));
  document.getElementById("train-bar").style.width = `${t.totalSteps ? Math.min(100, (100 * t.step) / t.totalSteps) : 0}%`;
  setText("train-sub", `${t.running ? "running" : "idle"} · best ${t.bestScore == null ? DASH : t.bestScore.toFixed(3)}`);
}

/** Positions table plus the PnL cards. `onSelect(id)` when a row is clicked, `onExit(id)` for its button. */
export function renderPositions(positions, selectedId, { onSelect, onExit }) {
  const rows = positions.map((p) =>
    el(
      "tr",
      { class: p.id === selectedId ? "selected" : "", dataset: { id: p.id, state: p.state }, onclick: () => onSelect(p.id) },
      el("td", { title: p.mint }, p.symbol ?? p.mint.slice(0, 8)),
      el("td", {}, el("span", { class: "state-tag" }, p.state)),
      el("td", { class: "num" }, fmtPrice(p.entryPrice)),
      el("td", { class: "num" }, fmtPrice(p.currentPrice)),
      el("td", { class: "num" }, fmtCompact(p.qty)),
      el("td", { class: "num" }, p.costSol.toFixed(3)),
      el("td", { class: `num ${signClass(p.unrealisedPnlSol)}` }, p.unrealisedPnlSol == null ? DASH : p.unrealisedPnlSol.toFixed(4)),
      el("td", { class: `num ${signClass(p.unrealisedPnlPct)}` }, p.unrealisedPnlPct == null ? "free" : fmtPct(p.unrealisedPnlPct)),
      el(
        "td",
        {},
        p.state.startsWith("exiting")
          ? el("span", { class: "sub" }, "exiting")
          : el("button", { class: "btn small", type: "button", onclick: (e) => (e.stopPropagation(), onExit(p.id)) }, "Exit"),
      ),
    ),
  );
  document.querySelector("#positions tbody").replaceChildren(...rows);
  document.getElementById("positions-empty").hidden = positions.length > 0;
  const invested = positions.reduce((a, p) => a + p.costSol, 0);
  const upnl = positions.reduce((a, p) => a + (p.unrealisedPnlSol ?? 0), 0);
  setText("invested", `${invested.toFixed(3)} SOL at cost`);
  setText("upnl", `${upnl >= 0 ? "+" : ""}${upnl.toFixed(4)} SOL`, `big ${signClass(upnl)}`);
}

export function renderTrades(trades) {
  const rows = trades.map((t) =>
    el(
      "tr",
      { title: t.signature },
      el("td", {}, fmtTime(t.ts)),
      el("td", {}, t.symbol ?? t.mint.slice(0, 8)),
      el("td", { class: t.side === "buy" ? "" : "sub" }, t.side),
      el("td", {}, t.kind),
      el("td", { class: "num" }, t.sol.toFixed(4)),
      el("td", { class: "num" }, fmtPrice(t.price)),
      el("td", { class: "sub" }, t.reason),
    ),
  );
  document.querySelector("#trades tbody").replaceChildren(...rows);
}

export function renderPnlSummary(d) {
  const win = d.winRate == null ? DASH : `${(d.winRate * 100).toFixed(0)}% wins`;
  setText("pnl-sub", `${d.closedPositions} closed · ${d.realisedSol >= 0 ? "+" : ""}${d.realisedSol.toFixed(3)} SOL · ${win}`);
}

let toastTimer;
export function toast(message, bad = false) {
  const node = setText("toast", message, `toast${bad ? " bad" : ""}`);
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 5000);
}
