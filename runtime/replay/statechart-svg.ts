/**
 * The position statechart as a static SVG, laid out once in Node with ELK exactly as the web
 * UI's viewer lays it out in the browser (runtime/ui/js/statechart.js: same graph, same layout
 * options, same classes: `sc-node` with `data-state`, `sc-edge` with `data-from`/`data-to`), so
 * the report's viewer only moves classes, as the UI does. No script, no CDN, no layout engine in
 * the report.
 */
import { createRequire } from "node:module";
import { positionMachine } from "../../machines/position.machine.js";
import { statechartOf, type Statechart, type StatechartNode } from "../http/statechart.js";

/** elkjs's bundled build (CommonJS, the layout engine in-process, no worker). */
const ELK = createRequire(import.meta.url)("elkjs/lib/elk.bundled.js") as new () => { layout(graph: unknown): Promise<unknown> };

const CHAR_W = 7.4;
const ROOT = "__root";

interface Laid {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: Laid[];
  edges?: LaidEdge[];
}

interface LaidEdge {
  id: string;
  container?: string;
  sections?: { startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: { x: number; y: number }[] }[];
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function toElk(chart: Statechart) {
  const node = (n: StatechartNode): object =>
    n.children.length > 0
      ? { id: n.id, layoutOptions: { "elk.padding": "[top=26,left=12,bottom=12,right=12]" }, children: n.children.map(node) }
      : { id: n.id, width: Math.max(64, n.key.length * CHAR_W + 22), height: 30 };
  return {
    id: ROOT,
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.spacing.nodeNodeBetweenLayers": "34",
      "elk.spacing.nodeNode": "22",
      "elk.padding": "[top=12,left=12,bottom=12,right=12]",
    },
    children: chart.root.children.map(node),
    edges: chart.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

/** The position machine's statechart, drawn. */
export async function positionStatechartSvg(chart: Statechart = statechartOf(positionMachine)): Promise<string> {
  const byId = new Map<string, StatechartNode>();
  const index = (n: StatechartNode): void => {
    byId.set(n.id, n);
    n.children.forEach(index);
  };
  index(chart.root);
  const laid = (await new ELK().layout(toElk(chart))) as unknown as Laid & { width: number; height: number };
  const abs = new Map<string, { x: number; y: number }>([[ROOT, { x: 0, y: 0 }]]);
  const nodes: string[] = [];
  const place = (n: Laid, ox: number, oy: number): void => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    abs.set(n.id, { x, y });
    const def = byId.get(n.id);
    if (def === undefined) return;
    const kind = def.children.length > 0 ? "compound" : def.type === "final" ? "final" : "atomic";
    const w = n.width ?? 0;
    const h = n.height ?? 0;
    const label = esc(def.key + (def.invokes.length > 0 ? " ⚙" : ""));
    const text = kind === "compound"
      ? `<text x="${x + 10}" y="${y + 17}">${label}</text>`
      : `<text x="${x + w / 2}" y="${y + h / 2 + 4}" text-anchor="middle">${label}</text>`;
    const title = esc(`${n.id}${def.invokes.length ? ` (invokes ${def.invokes.join(", ")})` : ""}`);
    nodes.push(`<g class="sc-node ${kind}" data-state="${esc(n.id)}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${kind === "compound" ? 10 : 8}"/>${text}<title>${title}</title></g>`);
    for (const c of n.children ?? []) place(c, x, y);
  };
  for (const n of laid.children ?? []) place(n, 0, 0);
  const defs = new Map(chart.edges.map((e) => [e.id, e]));
  const edges: string[] = [];
  for (const e of laid.edges ?? []) {
    const def = defs.get(e.id);
    if (def === undefined) continue;
    const off = abs.get(e.container ?? ROOT) ?? { x: 0, y: 0 };
    const d = (e.sections ?? [])
      .map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p, i) => `${i ? "L" : "M"}${off.x + p.x},${off.y + p.y}`).join(" "))
      .join(" ");
    const title = esc(`${def.source} → ${def.target}: ${def.events.join(", ")}${def.guards.length ? ` [${def.guards.join(", ")}]` : ""}`);
    edges.push(`<g class="sc-edge" data-from="${esc(def.source)}" data-to="${esc(def.target)}"><path d="${d}" marker-end="url(#sc-arrow)"/><title>${title}</title></g>`);
  }
  const marker = (id: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${laid.width} ${laid.height}" width="${laid.width}" height="${laid.height}" role="img">` +
    `<defs>${marker("sc-arrow")}${marker("sc-arrow-hot")}</defs><g>${nodes.join("")}</g><g>${edges.join("")}</g></svg>`;
}
