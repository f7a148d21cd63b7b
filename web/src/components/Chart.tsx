// A small SVG chart (line or bar) for a series of labelled values; no chart library needed.
export interface Series { name: string; values: number[] }

export function Chart({ kind, labels, series, height = 220, title }: { kind: "line" | "bar"; labels: string[]; series: Series[]; height?: number; title: string }) {
  const width = 640;
  const pad = { left: 56, right: 12, top: 12, bottom: 28 };
  const max = Math.max(1, ...series.flatMap((s) => s.values.filter((v) => Number.isFinite(v))));
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (labels.length <= 1 ? w / 2 : (i * w) / (labels.length - 1));
  const y = (v: number) => pad.top + h - (v / max) * h;
  const colors = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c"];
  const band = w / Math.max(labels.length, 1);
  const step = Math.ceil(labels.length / 8);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad.left} x2={width - pad.right} y1={y(max * f)} y2={y(max * f)} stroke="#e5e7eb" />
          <text x={pad.left - 6} y={y(max * f) + 4} textAnchor="end" fontSize="11" fill="#6b7280">{Intl.NumberFormat(undefined, { notation: "compact" }).format(max * f)}</text>
        </g>
      ))}
      {labels.map((l, i) => (i % step === 0 ? <text key={l + i} x={kind === "bar" ? pad.left + band * i + band / 2 : x(i)} y={height - 8} textAnchor="middle" fontSize="11" fill="#6b7280">{l}</text> : null))}
      {series.map((s, si) =>
        kind === "line" ? (
          <polyline key={s.name} fill="none" stroke={colors[si % colors.length]} strokeWidth="2" points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} />
        ) : (
          s.values.map((v, i) => {
            const bw = (band * 0.8) / series.length;
            return <rect key={`${s.name}-${i}`} x={pad.left + band * i + band * 0.1 + bw * si} y={y(v)} width={bw} height={Math.max(0, pad.top + h - y(v))} fill={colors[si % colors.length]}><title>{`${labels[i]} ${s.name}: ${v}`}</title></rect>;
          })
        ),
      )}
    </svg>
  );
}
