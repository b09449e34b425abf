/**
 * `training.html`: a self-contained page plotting a training run (reward mean and max and the
 * best validation score per step; stable rank of the attention Q and K projections). Chart.js is
 * inlined from node_modules, the data embedded as JSON: the file opens offline, no CDN.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TrainingHistory } from "./training-history.js";

const require = createRequire(import.meta.url);

let chartJs: string | undefined;

/** chart.js exports no subpath for its UMD build: it sits beside the package's main file. */
function chartJsSource(): string {
  chartJs ??= readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
  return chartJs;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (x: unknown): string => JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028|\u2029/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));

const finiteOrNull = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

export interface PlotSeries {
  readonly steps: number[];
  readonly rewardMean: (number | null)[];
  readonly rewardMax: (number | null)[];
  readonly bestScore: (number | null)[];
  readonly stableRankQ: (number | null)[];
  readonly stableRankK: (number | null)[];
}

export function plotSeries(h: Pick<TrainingHistory, "points">): PlotSeries {
  const p = h.points;
  return {
    steps: p.map((x) => x.step),
    rewardMean: p.map((x) => finiteOrNull(x.reward.mean)),
    rewardMax: p.map((x) => finiteOrNull(x.reward.max)),
    bestScore: p.map((x) => finiteOrNull(x.bestScore)),
    stableRankQ: p.map((x) => finiteOrNull(x.stableRank?.q)),
    stableRankK: p.map((x) => finiteOrNull(x.stableRank?.k)),
  };
}

const PAGE_SCRIPT = `
(function () {
  var d = JSON.parse(document.getElementById("training-data").textContent);
  var s = d.series;
  function line(label, data, color, dash, points) {
    return { label: label, data: data, borderColor: color, backgroundColor: color, borderWidth: 1.5,
             borderDash: dash || [], pointRadius: points || 0, spanGaps: true, tension: 0 };
  }
  function chart(id, datasets, yTitle) {
    new Chart(document.getElementById(id), {
      type: "line",
      data: { labels: s.steps, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
                 scales: { x: { title: { display: true, text: "step" } }, y: { title: { display: true, text: yTitle } } } }
    });
  }
  chart("reward", [
    line("reward mean (train)", s.rewardMean, "#1f77b4"),
    line("reward max (train)", s.rewardMax, "#aec7e8", [4, 3]),
    line("best score (validation)", s.bestScore, "#d62728")
  ], "reward / score");
  chart("rank", [
    line("stable rank Q", s.stableRankQ, "#2ca02c", [], 2),
    line("stable rank K", s.stableRankK, "#9467bd", [], 2)
  ], "stable rank");
})();
`;

/** The page for one run's history. */
export function trainingPlotHtml(h: TrainingHistory): string {
  const title = `AlphaGPT-TS training ${h.runId}`;
  const last = h.points.at(-1);
  const best = h.best === null ? "none yet" : `${escapeHtml(h.best.infix)} <code>${escapeHtml(h.best.rpn)}</code>, validation score ${h.best.score.toFixed(4)}`;
  const summary = [
    `run <b>${escapeHtml(h.runId)}</b>, ${escapeHtml(h.status)}`,
    `step ${last?.step ?? 0} of ${h.steps}, seed ${h.seed}, backend ${escapeHtml(h.backend ?? "?")}`,
    `started ${escapeHtml(new Date(h.startedMs).toISOString())}`,
  ].join(" &middot; ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.2rem; margin: 0 0 .3rem; }
  p { margin: .2rem 0; }
  .chart { position: relative; height: 320px; margin: 1rem 0 1.5rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${summary}</p>
<p>best formula: ${best}</p>
<h2>Reward and best score</h2>
<div class="chart"><canvas id="reward"></canvas></div>
<h2>Stable rank of the attention projections (mean over layers)</h2>
<div class="chart"><canvas id="rank"></canvas></div>
<noscript>The charts need JavaScript; the data is in training_history.json.</noscript>
<script id="training-data" type="application/json">${scriptJson({ runId: h.runId, series: plotSeries(h) })}</script>
<script>${chartJsSource()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
