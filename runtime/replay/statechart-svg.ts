/**
 * The position statechart as a static SVG, laid out once in Node with ELK exactly as the web
 * UI's viewer lays it out in the browser (the same graph, runtime/ui/js/statechart-graph.js, and
 * the same classes: `sc-node` with `data-state`, `sc-edge` with `data-from`/`data-to`), so
 * the report's viewer only moves classes, as the UI does. No script, no CDN, no layout engine in
 * the report.
 */
import { createRequire } from "node:module";
import { positionMachine } from "../../machines/position.machine.js";
import { statechartOf, type Statechart, type StatechartNode } from "../http/statechart.js";
import { ROOT, toElk } from "../ui/js/statechart-graph.js";

/** elkjs's bundled build (CommonJS, the layout engine in-process, no worker). */
const ELK = createRequire(import.meta.url)("elkjs/lib/elk.bundled.js") as new () => { layout(graph: unknown): Promise<unknown> };


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
