// Layered layout of a pipeline's steps (left to right): a step sits one layer right of the last step it waits
// for; within a layer, steps are ordered by where the steps they wait for are. Pure, so it is unit-tested.

export interface DagInput { name: string; after: string[] }
export interface DagNode { name: string; layer: number; order: number; x: number; y: number; width: number; height: number }
export interface DagEdge { from: string; to: string; path: string; x1: number; y1: number; x2: number; y2: number }
export interface DagLayout { nodes: DagNode[]; edges: DagEdge[]; width: number; height: number; layers: string[][] }

export interface DagOptions { nodeWidth?: number; nodeHeight?: number; gapX?: number; gapY?: number; pad?: number }

/** The layer of each step: 0 when it waits for none, else one more than the highest layer it waits for. Names it waits for that are not steps, and cycles, are ignored. */
export function dagLayers(steps: DagInput[]): Map<string, number> {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return -1; // a cycle: the server refuses these, so only guard against looping
    visiting.add(name);
    let value = 0;
    for (const before of byName.get(name)?.after ?? []) if (byName.has(before) && before !== name) value = Math.max(value, visit(before) + 1);
    visiting.delete(name);
    layer.set(name, value);
    return value;
  };
  for (const step of steps) visit(step.name);
  return layer;
}

export function layoutDag(steps: DagInput[], options: DagOptions = {}): DagLayout {
  const nodeWidth = options.nodeWidth ?? 168;
  const nodeHeight = options.nodeHeight ?? 40;
  const gapX = options.gapX ?? 56;
  const gapY = options.gapY ?? 16;
  const pad = options.pad ?? 8;
  const layerOf = dagLayers(steps);
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const byName = new Map(steps.map((s) => [s.name, s]));

  const count = steps.length === 0 ? 0 : Math.max(...layerOf.values()) + 1;
  const layers: string[][] = Array.from({ length: count }, () => []);
  for (const step of steps) layers[layerOf.get(step.name)!].push(step.name);

  // Order each layer by the mean position of the steps it waits for (the file's order breaks ties).
  const order = new Map<string, number>();
  layers[0]?.forEach((name, i) => order.set(name, i));
  for (let l = 1; l < layers.length; l++) {
    const centre = (name: string) => {
      const parents = (byName.get(name)?.after ?? []).filter((p) => order.has(p));
      return parents.length === 0 ? Number.POSITIVE_INFINITY : parents.reduce((sum, p) => sum + order.get(p)!, 0) / parents.length;
    };
    layers[l].sort((a, b) => {
      const ca = centre(a);
      const cb = centre(b);
      return ca === cb ? index.get(a)! - index.get(b)! : ca < cb ? -1 : 1;
    });
    layers[l].forEach((name, i) => order.set(name, i));
  }

  const tallest = Math.max(0, ...layers.map((l) => l.length));
  const rowStep = nodeHeight + gapY;
  const nodes: DagNode[] = [];
  const at = new Map<string, DagNode>();
  layers.forEach((names, l) => {
    const offset = ((tallest - names.length) * rowStep) / 2;
    names.forEach((name, i) => {
      const node = { name, layer: l, order: i, x: pad + l * (nodeWidth + gapX), y: pad + offset + i * rowStep, width: nodeWidth, height: nodeHeight };
      nodes.push(node);
      at.set(name, node);
    });
  });

  const edges: DagEdge[] = [];
  for (const step of steps) {
    const to = at.get(step.name)!;
    for (const before of new Set(step.after)) {
      const from = at.get(before);
      if (!from || from === to || from.layer >= to.layer) continue;
      const x1 = from.x + from.width;
      const y1 = from.y + from.height / 2;
      const x2 = to.x;
      const y2 = to.y + to.height / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: before, to: step.name, x1, y1, x2, y2, path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
    }
  }

  return {
    nodes,
    edges,
    layers,
    width: count === 0 ? 0 : pad * 2 + count * nodeWidth + (count - 1) * gapX,
    height: tallest === 0 ? 0 : pad * 2 + tallest * nodeHeight + (tallest - 1) * gapY,
  };
}
