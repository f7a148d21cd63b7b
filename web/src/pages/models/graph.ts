// The lineage of models: adjacency maps built once from every model's `depends_on`, and the neighbourhood of
// one model (N levels up and down) laid out in layers from left (sources) to right (dependents). Only the
// neighbourhood is ever computed and drawn, so a project of thousands of models costs what the few dozen
// nodes around the selected one cost.

/** What the graph needs of a listed node (GET /models). */
export interface ModelLike { name: string; type: string; materialized?: string | null; depends_on: string[] }

export interface GraphNode {
  /** `model:orders`, `seed:raw_orders`, `source:shop.orders`. */
  id: string;
  name: string;
  type: string;
  materialized: string | null;
}

export interface ModelGraph {
  nodes: Map<string, GraphNode>;
  /** What a node reads. */
  parents: Map<string, string[]>;
  /** What reads a node. */
  children: Map<string, string[]>;
}

const NONE: string[] = [];

/** The graph id of a listed node. */
export const nodeId = (type: string, name: string): string => `${type}:${name}`;

/**
 * The graph node a `depends_on` entry names. Entries are unique ids as dbt writes them:
 * `model.<project>.<name>`, `seed.<project>.<name>`, `source.<project>.<source>.<table>`.
 */
export function dependency(uniqueId: string): { id: string; type: string; name: string } {
  const parts = uniqueId.split(".");
  if (parts.length < 3) return { id: nodeId("model", uniqueId), type: "model", name: uniqueId };
  const type = parts[0];
  const name = parts.slice(2).join(".");
  return { id: nodeId(type, name), type, name };
}

/** Adjacency maps of models, seeds and the sources they read (tests are left out: they read, nothing reads them). */
export function buildGraph(models: readonly ModelLike[]): ModelGraph {
  const nodes = new Map<string, GraphNode>();
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const m of models) {
    if (m.type === "test" || m.type === "source") continue;
    nodes.set(nodeId(m.type, m.name), { id: nodeId(m.type, m.name), name: m.name, type: m.type, materialized: m.materialized ?? null });
  }
  for (const m of models) {
    if (m.type === "test" || m.type === "source") continue;
    const id = nodeId(m.type, m.name);
    const ps: string[] = [];
    for (const d of m.depends_on) {
      let dep = dependency(d);
      if (!nodes.has(dep.id) && (dep.type === "model" || dep.type === "seed")) {
        // A project name with a dot in it: the name is then the last part.
        const last = d.slice(d.lastIndexOf(".") + 1);
        if (nodes.has(nodeId(dep.type, last))) dep = { id: nodeId(dep.type, last), type: dep.type, name: last };
      }
      if (dep.type === "test") continue;
      if (!nodes.has(dep.id)) nodes.set(dep.id, { id: dep.id, name: dep.name, type: dep.type, materialized: null });
      if (dep.id === id || ps.includes(dep.id)) continue;
      ps.push(dep.id);
      let cs = children.get(dep.id);
      if (!cs) children.set(dep.id, (cs = []));
      cs.push(id);
    }
    parents.set(id, ps);
  }
  return { nodes, parents, children };
}

export interface LaidOutNode extends GraphNode {
  /** Negative: upstream of the focus; positive: downstream; 0: the focus. */
  layer: number;
  /** Levels away from the focus along the shortest path. */
  distance: number;
  x: number;
  y: number;
  focus: boolean;
}

export interface LaidOutEdge { id: string; source: string; target: string }

export interface Neighbourhood {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  /** Nodes within the levels that were left out because there were more than `maxNodes`. */
  truncated: boolean;
}

export interface LayoutOptions {
  maxNodes?: number;
  nodeWidth?: number;
  nodeHeight?: number;
  gapX?: number;
  gapY?: number;
}

/**
 * The focus with its ancestors up to `up` levels and descendants down to `down` levels, at most `maxNodes`
 * (nearest first), with the edges between them, laid out left to right: every edge goes from a lower layer to a
 * higher one (longest-path layering inside each side), nodes in a layer ordered to keep edges short
 * (barycentre sweeps), and the focus at (0, 0).
 */
export function neighbourhood(graph: ModelGraph, focus: string, up: number, down: number, options: LayoutOptions = {}): Neighbourhood {
  const { maxNodes = 400, nodeWidth = 180, nodeHeight = 40, gapX = 70, gapY = 14 } = options;
  const self = graph.nodes.get(focus);
  if (!self) return { nodes: [], edges: [], truncated: false };

  // Breadth first from the focus, both directions level by level, so a cap keeps the nearest nodes.
  const side = new Map<string, -1 | 0 | 1>([[focus, 0]]);
  const distance = new Map<string, number>([[focus, 0]]);
  let upFrontier = [focus];
  let downFrontier = [focus];
  let truncated = false;
  const levels = Math.max(up, down);
  for (let d = 1; d <= levels && !truncated; d++) {
    const expand = (frontier: string[], edges: Map<string, string[]>, dir: -1 | 1): string[] => {
      const next: string[] = [];
      for (const id of frontier) {
        for (const other of edges.get(id) ?? NONE) {
          if (side.has(other)) continue;
          if (side.size >= maxNodes) {
            truncated = true;
            return next;
          }
          side.set(other, dir);
          distance.set(other, d);
          next.push(other);
        }
      }
      return next;
    };
    upFrontier = d <= up ? expand(upFrontier, graph.parents, -1) : [];
    downFrontier = d <= down && !truncated ? expand(downFrontier, graph.children, 1) : [];
    if (upFrontier.length === 0 && downFrontier.length === 0) break;
  }

  // Layers: on each side, the longest path to the focus within that side (so no edge runs inside a layer).
  const depth = new Map<string, number>([[focus, 0]]);
  const visiting = new Set<string>();
  const depthOf = (id: string, dir: -1 | 1): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle (a broken project): stop here
    visiting.add(id);
    let best = 0;
    // Upstream nodes are placed by what they feed, downstream ones by what they read.
    for (const next of (dir === -1 ? graph.children : graph.parents).get(id) ?? NONE) {
      const s = side.get(next);
      if (s === undefined || (s !== 0 && s !== dir)) continue;
      best = Math.max(best, depthOf(next, dir) + 1);
    }
    visiting.delete(id);
    const value = Math.max(best, 1);
    depth.set(id, value);
    return value;
  };
  const layerOf = new Map<string, number>();
  for (const [id, s] of side) layerOf.set(id, s === 0 ? 0 : s * depthOf(id, s));

  // Edges among the chosen nodes.
  const edges: LaidOutEdge[] = [];
  for (const id of side.keys()) {
    for (const child of graph.children.get(id) ?? NONE) {
      if (side.has(child)) edges.push({ id: `${id}->${child}`, source: id, target: child });
    }
  }

  // Order inside layers: by name first, then a few barycentre sweeps in both directions.
  const layers = new Map<number, string[]>();
  for (const [id, layer] of layerOf) {
    let l = layers.get(layer);
    if (!l) layers.set(layer, (l = []));
    l.push(id);
  }
  const keys = [...layers.keys()].sort((a, b) => a - b);
  const name = (id: string) => graph.nodes.get(id)!.name;
  for (const k of keys) layers.get(k)!.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  const position = new Map<string, number>();
  const place = (k: number) => layers.get(k)!.forEach((id, i) => position.set(id, i));
  keys.forEach(place);
  const sweep = (order: number[], neighbours: Map<string, string[]>) => {
    for (const k of order) {
      const layer = layers.get(k)!;
      const centre = new Map<string, number>();
      for (const id of layer) {
        let sum = 0;
        let n = 0;
        for (const o of neighbours.get(id) ?? NONE) {
          const p = position.get(o);
          if (p !== undefined && layerOf.get(o)! !== k) { sum += p; n++; }
        }
        centre.set(id, n > 0 ? sum / n : position.get(id)!);
      }
      layer.sort((a, b) => centre.get(a)! - centre.get(b)! || position.get(a)! - position.get(b)!);
      place(k);
    }
  };
  for (let i = 0; i < 2; i++) {
    sweep(keys.slice(1), graph.parents);
    sweep(keys.slice(0, -1).reverse(), graph.children);
  }

  const nodes: LaidOutNode[] = [];
  for (const k of keys) {
    const layer = layers.get(k)!;
    const offset = (layer.length - 1) / 2;
    layer.forEach((id, i) => {
      nodes.push({
        ...graph.nodes.get(id)!,
        layer: k,
        distance: distance.get(id)!,
        x: k * (nodeWidth + gapX),
        y: (i - offset) * (nodeHeight + gapY),
        focus: id === focus,
      });
    });
  }
  return { nodes, edges, truncated };
}
