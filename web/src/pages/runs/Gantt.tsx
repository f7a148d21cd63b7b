// A run's tasks on a time axis (SVG), with its deadline and predicted finish as vertical lines.
import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import type { Run, RunStep, RunTask } from "../../api/types";
import { useFormat, useLang, useT } from "../../i18n";
import { useStateName } from "./Badges";
import { ganttLayout, type GanttLine } from "./gantt";
import { runMessages } from "./messages";

export const stateColors: Record<string, string> = {
  succeeded: "#16a34a", failed: "#dc2626", running: "#2563eb", ready: "#93c5fd", queued: "#93c5fd", waiting: "#d1d5db",
  cancelled: "#9ca3af", upstream_failed: "#fca5a5", skipped: "#d1d5db", lost: "#f97316", timed_out: "#f97316",
};
const deadlineColor = "#7c3aed";
const etaColor = "#d97706";

/** The width of an element, followed as it changes (a fixed width where ResizeObserver is missing). */
function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(Math.max(480, w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function Gantt({ run, steps, tasks, now }: { run: Run; steps: RunStep[]; tasks: RunTask[]; now: number }) {
  const t = useT(runMessages);
  const f = useFormat();
  const { lang } = useLang();
  const stateName = useStateName();
  const [ref, width] = useWidth(900);
  const layout = useMemo(
    () => ganttLayout(run, steps, tasks, now, { width, axisHeight: 46, zoneOffsetMinutes: -new Date(now).getTimezoneOffset() }),
    [run, steps, tasks, now, width],
  );
  const tick = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-US", layout.tickStep < 60_000 ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" });
    return (ms: number) => format.format(new Date(ms));
  }, [lang, layout.tickStep]);
  const iso = (ms: number) => new Date(ms).toISOString();
  const bottom = layout.height - 4;
  // The deadline's label on the first line above the axis, the predicted finish's on the second, each on the side with room.
  const markers = [
    layout.deadline && { ...layout.deadline, color: deadlineColor, label: t("deadline"), y: 11 },
    layout.eta && { ...layout.eta, color: etaColor, label: t("eta"), y: 24 },
  ].filter((m): m is GanttLine & { color: string; label: string; y: number } => !!m);
  const middle = (layout.plotLeft + layout.plotRight) / 2;

  if (tasks.length === 0 && steps.length === 0) return <p className="empty">{t("noTasks")}</p>;
  return (
    <div ref={ref} className="scroll-x">
      <svg className="gantt" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="gantt-title">
        <title id="gantt-title">{t("timelineTitle", { id: run.id })}</title>
        {layout.ticks.map((k) => (
          <g key={k.at}>
            <line x1={k.x} x2={k.x} y1={layout.axisHeight - 4} y2={bottom} stroke="#eef0f3" />
            <text className="axis-label" x={k.x} y={layout.axisHeight - 8} textAnchor="middle">{tick(k.at)}</text>
          </g>
        ))}
        <line x1={layout.plotLeft} x2={layout.plotRight} y1={layout.axisHeight - 4} y2={layout.axisHeight - 4} stroke="#d1d5db" />
        {layout.rows.map((row) => (
          <g key={row.key}>
            <text className={row.kind === "step" ? "group-label" : undefined} x={row.kind === "step" || row.task?.item == null ? 6 : 18} y={row.y + layout.rowHeight / 2 + 4}>
              {row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label}
              <title>{row.label}</title>
            </text>
            {row.bar && row.task && (
              <rect x={row.bar.x} y={row.y + 4} width={row.bar.width} height={layout.rowHeight - 8} rx={3} fill={stateColors[row.state] ?? "#9ca3af"} opacity={row.bar.open ? 0.75 : 1} data-testid={`bar-${row.task.id}`}>
                <title>{[
                  `${row.task.item ? `${row.step} [${row.task.item}]` : row.step}: ${stateName(row.state)}`,
                  `${f.time(iso(row.bar.start))} – ${row.bar.open ? t("now") : f.time(iso(row.bar.end))} (${f.duration(row.bar.end - row.bar.start)})`,
                  `${t("rows")}: ${f.number(row.task.rows)} · ${t("bytes")}: ${f.bytes(row.task.bytes)}`,
                ].join("\n")}</title>
              </rect>
            )}
          </g>
        ))}
        {layout.now && <line x1={layout.now.x} x2={layout.now.x} y1={layout.axisHeight - 4} y2={bottom} stroke="#64748b" strokeDasharray="2 3"><title>{t("now")}</title></line>}
        {markers.map((m) => (
          <g key={m.label} data-testid={`marker-${m.label}`}>
            <line x1={m.x} x2={m.x} y1={m.y - 9} y2={bottom} stroke={m.color} strokeWidth={2} strokeDasharray={m.beyond ? "2 4" : "6 3"}><title>{`${m.label}: ${f.dateTime(iso(m.at))}`}</title></line>
            <text className="marker-label" x={m.x > middle ? m.x - 4 : m.x + 4} y={m.y} textAnchor={m.x > middle ? "end" : "start"} fill={m.color}>
              {`${m.label} ${m.beyond ? f.dateTime(iso(m.at)) : tick(m.at)}${m.beyond ? " →" : ""}`}
            </text>
          </g>
        ))}
      </svg>
      <div className="legend" aria-hidden="true">
        {["running", "succeeded", "failed", "cancelled"].map((s) => <span key={s}><i style={{ background: stateColors[s] }} />{stateName(s)}</span>)}
        {layout.deadline && <span><i style={{ background: deadlineColor }} />{t("deadline")}</span>}
        {layout.eta && <span><i style={{ background: etaColor }} />{t("eta")}</span>}
      </div>
    </div>
  );
}
