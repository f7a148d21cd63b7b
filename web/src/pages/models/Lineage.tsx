// The lineage around one model, drawn with React Flow: only the neighbourhood computed by `neighbourhood()`,
// never the whole project. Clicking a node (or Enter on a focused one) opens it; the same nodes are listed as
// links below the graph for keyboards and screen readers.
import { useMemo, useState, type KeyboardEvent } from "react";
import { ReactFlow, Background, Controls, MarkerType, Position, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Link, useRouter } from "../../router";
import { useT } from "../../i18n";
import { messages } from "./messages";
import { neighbourhood, type ModelGraph, type LaidOutNode } from "./graph";

const NODE_WIDTH = 180;
const NODE_HEIGHT = 40;
const MIN_READABLE_ZOOM = 0.6;

const navigable = (n: { type: string }) => n.type === "model" || n.type === "seed";
const href = (name: string) => `/models/${encodeURIComponent(name)}`;

export function Lineage({ graph, focus, name }: { graph: ModelGraph; focus: string; name: string }) {
  const t = useT(messages);
  const { navigate } = useRouter();
  const [up, setUp] = useState(2);
  const [down, setDown] = useState(2);
  const hood = useMemo(() => neighbourhood(graph, focus, up, down, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT }), [graph, focus, up, down]);

  const nodes: Node[] = useMemo(() => hood.nodes.map((n) => ({
    id: n.id,
    position: { x: n.x, y: n.y },
    data: { label: <span className="lineage-label"><span>{n.name}</span><small>{n.type}{n.materialized && n.materialized !== n.type ? ` · ${n.materialized}` : ""}</small></span> },
    sourcePosition: Position.Right,
    targetPosition: Position.Left,
    className: `lineage-node lineage-${n.type}${n.focus ? " lineage-focus" : ""}${navigable(n) ? " lineage-link" : ""}`,
    style: { width: NODE_WIDTH },
    ariaLabel: `${n.name} (${n.type})`,
    draggable: false,
    connectable: false,
  })), [hood]);
  const edges: Edge[] = useMemo(() => hood.edges.map((e) => ({ ...e, markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } })), [hood]);

  const open = (id: string) => {
    const n = graph.nodes.get(id);
    if (n && navigable(n) && id !== focus) navigate(href(n.name));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "Enter") return;
    const id = (e.target as HTMLElement).closest(".react-flow__node")?.getAttribute("data-id");
    if (id) open(id);
  };

  const upstream = hood.nodes.filter((n) => n.layer < 0).sort(byDistance);
  const downstream = hood.nodes.filter((n) => n.layer > 0).sort(byDistance);
  const levels = (label: string, value: number, set: (n: number) => void) => (
    <label className="lineage-levels">
      <span>{label}</span>
      <input type="number" min={0} max={20} value={value} onChange={(e) => set(Math.max(0, Math.min(20, Number(e.target.value) || 0)))} />
    </label>
  );

  return (
    <section aria-labelledby="lineage-title" className="panel">
      <h2 id="lineage-title">{t("lineage")}</h2>
      <div className="toolbar">
        {levels(t("levelsUp"), up, setUp)}
        {levels(t("levelsDown"), down, setDown)}
        <span className="hint">{t("lineageHint")}</span>
      </div>
      {hood.truncated && <div className="banner banner-warn" role="status">{t("lineageTruncated", { n: hood.nodes.length })}</div>}
      <div className="lineage-graph" onKeyDown={onKeyDown} role="group" aria-label={t("lineageOf", { name })}>
        <ReactFlow
          key={`${focus}:${up}:${down}`}
          nodes={nodes}
          edges={edges}
          onNodeClick={(_, node) => open(node.id)}
          nodesDraggable={false}
          nodesConnectable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
          onInit={(flow) => {
            // A wide neighbourhood would fit only at an unreadable size: keep labels readable around the focus instead.
            if (flow.getZoom() < MIN_READABLE_ZOOM) void flow.setCenter(NODE_WIDTH / 2, NODE_HEIGHT / 2, { zoom: MIN_READABLE_ZOOM });
          }}
          minZoom={0.1}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <div className="lineage-lists">
        <NodeList title={t("upstream")} nodes={upstream} none={t("noUpstream")} />
        <NodeList title={t("downstream")} nodes={downstream} none={t("noDownstream")} />
      </div>
    </section>
  );
}

function byDistance(a: LaidOutNode, b: LaidOutNode) {
  return a.distance - b.distance || a.name.localeCompare(b.name);
}

function NodeList({ title, nodes, none }: { title: string; nodes: LaidOutNode[]; none: string }) {
  return (
    <div>
      <h3>{title}</h3>
      {nodes.length === 0 ? <p className="hint">{none}</p> : (
        <ul>
          {nodes.map((n) => (
            <li key={n.id}>
              {navigable(n) ? <Link to={href(n.name)}>{n.name}</Link> : <span>{n.name}</span>} <small className="hint">{n.type} · {n.distance}</small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
