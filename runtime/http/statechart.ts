/**
 * A machine's state tree and transitions as plain JSON for the statechart viewer, derived from the
 * XState machine itself so the drawing can never drift from the code. State ids are paths below
 * the root (`open`, `moonbag.running`), the same spelling `recordTransition` journals.
 */
import type { AnyStateMachine } from "xstate";

export interface StatechartNode {
  /** Path below the root; "" for the root itself. */
  readonly id: string;
  readonly key: string;
  readonly type: "atomic" | "compound" | "parallel" | "final" | "history";
  /** Path of the initial child, for compound states. */
  readonly initial: string | null;
  /** The node's own invoked actors (`buy`, `sell`, `resolveOutcome`). */
  readonly invokes: readonly string[];
  readonly children: readonly StatechartNode[];
}

export interface StatechartEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Short labels: `price.tick`, `always`, `after untilRetry`, `done: sell`, `error: buy`. */
  readonly events: readonly string[];
  /** Guard names (with params) of the transitions merged into this edge; empty if unguarded. */
  readonly guards: readonly string[];
}

export interface Statechart {
  readonly machineId: string;
  readonly version: string | null;
  readonly root: StatechartNode;
  readonly edges: readonly StatechartEdge[];
}

/** The slice of XState's StateNode we read; typed loosely because guards and delays vary. */
interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly type: StatechartNode["type"];
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly initial?: { readonly target?: readonly { readonly id: string }[] };
  readonly invoke?: readonly { readonly src: unknown }[];
  readonly always?: readonly TransitionLike[];
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
}

interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly { readonly id: string }[] | undefined;
  readonly guard?: unknown;
}

export function statechartOf(machine: AnyStateMachine): Statechart {
  const root = machine.root as unknown as NodeLike;
  const path = (id: string) => (id === root.id ? "" : id.slice(root.id.length + 1));
  // One edge per (source, target): a diagram with one arrow per event is unreadable.
  const edges = new Map<string, { source: string; target: string; events: Set<string>; guards: Set<string> }>();

  const node = (n: NodeLike): StatechartNode => {
    const source = path(n.id);
    const transitions = [...(n.always ?? []), ...[...n.transitions.values()].flat()];
    for (const t of transitions) {
      for (const to of t.target ?? []) {
        const target = path(to.id);
        if (target === source) continue; // re-entering self-loops add noise, not meaning
        const key = `${source}|${target}`;
        const edge = edges.get(key) ?? { source, target, events: new Set<string>(), guards: new Set<string>() };
        edge.events.add(label(t.eventType));
        const guard = guardName(t.guard);
        if (guard !== null) edge.guards.add(guard);
        edges.set(key, edge);
      }
    }
    const first = n.initial?.target?.[0];
    return {
      id: source,
      key: n.key,
      type: n.type,
      initial: first ? path(first.id) : null,
      invokes: (n.invoke ?? []).map((i) => (typeof i.src === "string" ? i.src : "actor")),
      children: Object.values(n.states).map(node),
    };
  };

  const tree = node(root);
  return {
    machineId: root.key,
    version: typeof machine.version === "string" ? machine.version : null,
    root: tree,
    edges: [...edges.values()].map((e, i) => ({
      id: `e${i}`, source: e.source, target: e.target, events: [...e.events], guards: [...e.guards],
    })),
  };
}

/** XState's internal event names, shortened for a diagram. */
function label(eventType: string): string {
  if (eventType === "") return "always";
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (actor) return `${actor[1]}: ${actor[2]}`;
  return eventType;
}

function guardName(guard: unknown): string | null {
  if (typeof guard === "string") return guard;
  if (typeof guard !== "object" || guard === null) return null;
  const { type, params } = guard as { type?: unknown; params?: unknown };
  if (typeof type !== "string") return null;
  const is = typeof params === "object" && params !== null ? (params as { is?: unknown }).is : undefined;
  return typeof is === "string" ? `${type}:${is}` : type;
}
