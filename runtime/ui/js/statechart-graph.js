// The ELK graph of a statechart (`/statechart/position`), shared by the browser viewer
// (statechart.js) and the replay report's static SVG (runtime/replay/statechart-svg.ts), so both
// lay the machine out the same way. Compound states become ELK parents.

export const CHAR_W = 7.4; // 12px monospace
export const ROOT = "__root";

export function toElk(chart) {
  const node = (n) =>
    n.children.length > 0
      ? {
          id: n.id,
          layoutOptions: { "elk.padding": "[top=26,left=12,bottom=12,right=12]" },
          children: n.children.map(node),
        }
      : { id: n.id, width: Math.max(64, n.key.length * CHAR_W + 22), height: 30 };
  return {
    id: ROOT,
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.edgeRouting": "ORTHOGONAL",
      // Network simplex gave the shortest edges and the narrowest drawing of the options tried.
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
