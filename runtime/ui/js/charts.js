// The three Chart.js charts (global `Chart`, chart.umd.js). Animation off: the numbers change
// live and a moving chart is harder to read (and to screenshot).
import { fmtCompact } from "./format.js";

const GRID = "#232a34";
const TEXT = "#8b95a5";

function base() {
  Chart.defaults.color = TEXT;
  Chart.defaults.borderColor = GRID;
  Chart.defaults.font.family = "system-ui, sans-serif";
  return { animation: false, responsive: true, maintainAspectRatio: false };
}

/** Liquidity against volume, both log axes; bubble area follows FDV; held tokens in amber. */
export class ScannerChart {
  constructor(canvas) {
    this.chart = new Chart(canvas, {
      type: "bubble",
      data: { datasets: [
        { label: "universe", data: [], backgroundColor: "rgba(78,161,255,.45)", borderColor: "#4ea1ff" },
        { label: "held", data: [], backgroundColor: "rgba(240,180,41,.7)", borderColor: "#f0b429" },
      ] },
      options: {
        ...base(),
        scales: {
          x: { type: "logarithmic", title: { display: true, text: "liquidity (USD)" }, ticks: { callback: (v) => fmtCompact(v) } },
          y: { type: "logarithmic", title: { display: true, text: "volume (USD)" }, ticks: { callback: (v) => fmtCompact(v) } },
        },
        plugins: {
          tooltip: { callbacks: { label: (c) => `${c.raw.symbol}: liq ${fmtCompact(c.raw.x)}, vol ${fmtCompact(c.raw.y)}, fdv ${fmtCompact(c.raw.fdv)}` } },
        },
      },
    });
  }

  update(tokens, heldMints) {
    const point = (t) => ({ x: t.liquidityUsd, y: t.volumeUsd, r: 3 + Math.max(0, Math.log10(Math.max(t.fdvUsd, 1)) - 4) * 3, symbol: t.symbol ?? t.mint.slice(0, 6), fdv: t.fdvUsd });
    const valid = tokens.filter((t) => t.liquidityUsd > 0 && t.volumeUsd > 0);
    this.chart.data.datasets[0].data = valid.filter((t) => !heldMints.has(t.mint)).map(point);
    this.chart.data.datasets[1].data = valid.filter((t) => heldMints.has(t.mint)).map(point);
    this.chart.update();
  }
}

export class PnlChart {
  constructor(canvas) {
    this.chart = new Chart(canvas, {
      type: "bar",
      data: { labels: [], datasets: [{ label: "closed positions", data: [], backgroundColor: [] }] },
      options: { ...base(), plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: "realised PnL, % of cost" } }, y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  update(distribution) {
    const b = distribution.buckets;
    this.chart.data.labels = b.map((x) => `${x.fromPct}…${x.toPct}%`);
    this.chart.data.datasets[0].data = b.map((x) => x.count);
    this.chart.data.datasets[0].backgroundColor = b.map((x) => (x.fromPct + x.toPct >= 0 ? "#3fb950" : "#f85149"));
    this.chart.update();
  }
}

export class TrainingChart {
  constructor(canvas) {
    this.chart = new Chart(canvas, {
      type: "line",
      data: { datasets: [
        { label: "best score", data: [], borderColor: "#f0b429", pointRadius: 0, borderWidth: 2 },
        { label: "mean score", data: [], borderColor: "#4ea1ff", pointRadius: 0, borderWidth: 1.5 },
      ] },
      options: { ...base(), parsing: false, scales: { x: { type: "linear", title: { display: true, text: "step" } }, y: { title: { display: true, text: "score" } } } },
    });
  }

  update(training) {
    this.chart.data.datasets[0].data = training.history.map((p) => ({ x: p.step, y: p.bestScore }));
    this.chart.data.datasets[1].data = training.history.map((p) => ({ x: p.step, y: p.meanScore }));
    this.chart.update();
  }
}
