// The position machine drawn as a statechart: ELK (global `ELK`, elk.bundled.js) lays out the
// nested states and the transitions, we draw SVG. Laid out once per machine definition; moving
// the highlight is only a class change, so live updates and time travel cost nothing.

import { ROOT, toElk } from "./statechart-graph.js";

const SVG = "http://www.w3.org/2000/svg";

const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};

export class StatechartView {
  constructor(container) {
    this.container = container;
    this.nodes = new Map(); // state path -> <g>
    this.edges = new Map(); // "from|to" -> <g>
  }

  async draw(chart) {
    const byId = new Map();
    const index = (n) => {
      byId.set(n.id, n);
      n.children.forEach(index);
    };
    index(chart.root);
    const laid = await new ELK().layout(toElk(chart));

    // Natural size (text stays 12px); the container scrolls and follows the active state.
    const root = svg("svg", { viewBox: `0 0 ${laid.width} ${laid.height}`, width: laid.width, height: laid.height, role: "img" });
    root.append(arrow("sc-arrow"), arrow("sc-arrow-hot"));
    const abs = new Map([[ROOT, { x: 0, y: 0 }]]);
    const nodeLayer = svg("g");
    const edgeLayer = svg("g");
    const place = (n, ox, oy) => {
      const x = ox + n.x;
      const y = oy + n.y;
      abs.set(n.id, { x, y });
      const def = byId.get(n.id);
      const kind = def.children.length > 0 ? "compound" : def.type === "final" ? "final" : "atomic";
      const g = svg("g", { class: `sc-node ${kind}`, "data-state": n.id });
      g.append(svg("rect", { x, y, width: n.width, height: n.height, rx: kind === "compound" ? 10 : 8 }));
      const label = svg("text", kind === "compound" ? { x: x + 10, y: y + 17 } : { x: x + n.width / 2, y: y + n.height / 2 + 4, "text-anchor": "middle" });
      label.textContent = def.key + (def.invokes.length > 0 ? " ⚙" : "");
      const title = svg("title");
      title.textContent = `${n.id}${def.invokes.length ? ` (invokes ${def.invokes.join(", ")})` : ""}`;
      g.append(label, title);
      nodeLayer.append(g);
      this.nodes.set(n.id, g);
      for (const c of n.children ?? []) place(c, x, y);
    };
    for (const n of laid.children) place(n, 0, 0);

    const edgeDefs = new Map(chart.edges.map((e) => [e.id, e]));
    for (const e of laid.edges) {
      const def = edgeDefs.get(e.id);
      const off = abs.get(e.container) ?? { x: 0, y: 0 };
      const d = (e.sections ?? [])
        .map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p, i) => `${i ? "L" : "M"}${off.x + p.x},${off.y + p.y}`).join(" "))
        .join(" ");
      const g = svg("g", { class: "sc-edge", "data-from": def.source, "data-to": def.target });
      const path = svg("path", { d, "marker-end": "url(#sc-arrow)" });
      const title = svg("title");
      title.textContent = `${def.source} → ${def.target}: ${def.events.join(", ")}${def.guards.length ? ` [${def.guards.join(", ")}]` : ""}`;
      g.append(path, title);
      edgeLayer.append(g);
      this.edges.set(`${def.source}|${def.target}`, g);
    }
    root.append(nodeLayer, edgeLayer);
    this.container.replaceChildren(root);
  }

  /**
   * Highlight `state` (and its ancestors), the edge that led there, and every state visited on
   * the way. Returns false when the state is not in this machine (a newer machine version).
   */
  highlight(state, from, visited = []) {
    for (const g of this.nodes.values()) g.classList.remove("active", "ancestor", "visited");
    for (const g of this.edges.values()) {
      g.classList.remove("taken");
      g.querySelector("path").setAttribute("marker-end", "url(#sc-arrow)");
    }
    for (const v of visited) this.nodes.get(v)?.classList.add("visited");
    const parts = state.split(".");
    for (let i = 1; i < parts.length; i++) this.nodes.get(parts.slice(0, i).join("."))?.classList.add("ancestor");
    const edge = from ? this.#edge(from, state) : undefined;
    if (edge) {
      edge.classList.add("taken");
      edge.querySelector("path").setAttribute("marker-end", "url(#sc-arrow-hot)");
    }
    const node = this.nodes.get(state);
    node?.classList.add("active");
    if (node) this.#follow(node.querySelector("rect"));
    return node !== undefined;
  }

  /** Scroll the chart's own box (never the page) so the active state is in view. */
  #follow(rect) {
    const c = this.container;
    const y = Number(rect.getAttribute("y"));
    const h = Number(rect.getAttribute("height"));
    if (y < c.scrollTop || y + h > c.scrollTop + c.clientHeight) c.scrollTop = Math.max(0, y + h / 2 - c.clientHeight / 2);
  }

  /**
   * The drawn edge for a journaled step. Only some states are journaled, so the edge may leave
   * an ancestor or a child of `from` (exiting.settle -> closed) and enter an ancestor of `to`.
   */
  #edge(from, to) {
    const within = (p, s) => p === s || p.startsWith(`${s}.`);
    let found;
    for (const [key, g] of this.edges) {
      const [s, t] = key.split("|");
      if (!within(to, t) || !(within(from, s) || within(s, from))) continue;
      if (s === from && t === to) return g;
      found ??= g;
    }
    return found;
  }
}

function arrow(id) {
  const marker = svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z" }));
  return marker;
}
