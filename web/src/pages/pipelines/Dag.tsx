// A pipeline's steps as a graph (SVG), left to right: arrows go from a step to the steps that wait for it.
import { useId, useMemo } from "react";
import type { PipelineStep } from "../../api/types";
import { useT } from "../../i18n";
import { layoutDag } from "./dag";
import { pipelineMessages } from "./messages";

const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export function Dag({ steps, title }: { steps: Pick<PipelineStep, "name" | "after" | "kind" | "target">[]; title: string }) {
  const t = useT(pipelineMessages);
  const arrow = `${useId().replace(/:/g, "")}-arrow`;
  const layout = useMemo(() => layoutDag(steps), [steps]);
  const byName = useMemo(() => new Map(steps.map((s) => [s.name, s])), [steps]);
  if (steps.length === 0) return <p className="empty">{t("noSteps")}</p>;
  return (
    <div className="scroll-x">
      <svg className="dag" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={title}>
        <title>{title}</title>
        <defs>
          <marker id={arrow} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="#94a3b8" />
          </marker>
        </defs>
        {layout.edges.map((e) => <path key={`${e.from}->${e.to}`} className="edge" d={e.path} markerEnd={`url(#${arrow})`}><title>{t("edgeTitle", { from: e.from, to: e.to })}</title></path>)}
        {layout.nodes.map((n) => {
          const step = byName.get(n.name);
          const kind = step?.kind ? (step.target ? `${step.kind}: ${step.target}` : step.kind) : "";
          return (
            <g key={n.name} className="node" data-testid={`node-${n.name}`}>
              <title>{[n.name, kind, step && step.after.length > 0 ? t("waitsFor", { steps: step.after.join(", ") }) : ""].filter(Boolean).join("\n")}</title>
              <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={6} />
              <text x={n.x + 8} y={n.y + (kind ? 16 : n.height / 2 + 4)}>{cut(n.name, 24)}</text>
              {kind && <text className="kind" x={n.x + 8} y={n.y + 31}>{cut(kind, 26)}</text>}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
