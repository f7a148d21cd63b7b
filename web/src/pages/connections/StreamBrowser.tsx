// A connection's streams as discovery lists them: searched with a glob, loaded a page at a time as
// the list scrolls (only what has been loaded is kept), and drawn virtually, so a source with
// 100,000 tables scrolls as smoothly as one with ten. Used to look at a source (choose a stream to
// see its columns) and, with checkboxes, to choose the tables a sync copies.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { api, seg } from "../../api/client";
import type { Page, Stream } from "../../api/types";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useFormat, useT } from "../../i18n";
import { discovery } from "./discovery-messages";
import { searchGlob } from "./glob";

const ROW = 40;

export interface StreamBrowserProps {
  connection: string;
  /** Streams ticked (sync editor); with onToggle each row has a checkbox labelled by the stream's name. */
  picked?: ReadonlySet<string>;
  onToggle?: (stream: Stream, picked: boolean) => void;
  /** The stream whose columns are shown; with onChoose each row's name is a button. */
  chosen?: string | null;
  onChoose?: (stream: Stream) => void;
  pageSize?: number;
  height?: number;
}

export function StreamBrowser({ connection, picked, onToggle, chosen, onChoose, pageSize = 200, height = 360 }: StreamBrowserProps) {
  const t = useT(discovery);
  const f = useFormat();
  const id = useId();
  const [text, setText] = useState("");
  const [glob, setGlob] = useState<string | null>(null);
  const [items, setItems] = useState<Stream[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const inflight = useRef(false);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(async (after: string | null) => {
    if (after !== null && inflight.current) return;
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    const gen = after === null ? ++generation.current : generation.current;
    inflight.current = true;
    setLoading(true);
    setError(null);
    try {
      const query = new URLSearchParams();
      if (glob) query.set("select", glob);
      query.set("limit", String(pageSize));
      if (after !== null) query.set("after", after);
      const page = await api.get<Page<Stream>>(`connections/${seg(connection)}/streams?${query.toString()}`, { signal: own.signal });
      if (gen !== generation.current || own.signal.aborted) return;
      setItems((prev) => (after === null ? page.items : prev.concat(page.items)));
      setNext(page.next ?? null);
    } catch (e) {
      if (own.signal.aborted || gen !== generation.current) return;
      setError(e);
    } finally {
      if (gen === generation.current && controller.current === own) {
        inflight.current = false;
        setLoading(false);
      }
    }
  }, [connection, glob, pageSize]);

  // A new connection or search starts again from the first page.
  useEffect(() => {
    setItems([]);
    setNext(null);
    void load(null);
    return () => controller.current?.abort();
  }, [load]);

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    const wanted = searchGlob(text);
    if (wanted === glob) return;
    const timer = setTimeout(() => setGlob(wanted), 350);
    return () => clearTimeout(timer);
  }, [text, glob]);
  // Not a <form>: the browser also sits inside the sync form, and Enter here must search, not save.
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    setGlob(searchGlob(text));
  };

  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 12 });
  const rows = virtual.getVirtualItems();
  const lastShown = rows.length > 0 ? rows[rows.length - 1].index : -1;
  // Near the end of what is loaded, the next page comes.
  useEffect(() => {
    if (rows.length > 0 && next !== null && !loading && !error && lastShown >= items.length - 30) void load(next);
  }, [lastShown, next, loading, error, items.length, rows.length, load]);

  const shown = rows.length > 0 ? rows : items.slice(0, 50).map((_, index) => ({ index, start: index * ROW, key: index }));
  const status = items.length === 0 && !loading && !error ? t("noneFound") : next ? t("loadedMore", { n: f.number(items.length) }) : t("loaded", { n: f.number(items.length) });

  return (
    <div className="stream-browser">
      <div className="toolbar" role="search">
        <div className="field grow">
          <label htmlFor={`${id}-q`}>{t("search")}</label>
          <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} aria-describedby={`${id}-hint`} placeholder="*orders*" />
          <div className="hint" id={`${id}-hint`}>{t("searchHint")}</div>
        </div>
        <button type="button" onClick={() => setGlob(searchGlob(text))}>{t("searchButton")}</button>
      </div>
      <ErrorBanner error={error} onRetry={() => void load(items.length > 0 ? next : null)} />
      <p className="hint" role="status" aria-live="polite">{loading && items.length === 0 ? t("loadingMore") : status}</p>
      <div ref={parent} className="stream-list" style={{ height: items.length === 0 ? undefined : Math.min(height, items.length * ROW + 2) }}>
        <div role="list" aria-label={t("streams")} style={{ height: virtual.getTotalSize() || items.length * ROW, position: "relative" }}>
          {shown.map((row) => {
            const s = items[row.index];
            if (!s) return null;
            const isPicked = picked?.has(s.stream) ?? false;
            const meta = [
              t("columnsCount", { n: s.columns.length }),
              s.estimated_rows != null ? t("estimatedRows", { n: f.number(s.estimated_rows) }) : null,
              s.primary_key.length > 0 ? t("keyShort", { key: s.primary_key.join(", ") }) : t("noKey"),
            ].filter(Boolean).join(" · ");
            return (
              <div role="listitem" key={s.stream} aria-posinset={row.index + 1} aria-setsize={next ? -1 : items.length}
                className={`stream-row${chosen === s.stream ? " chosen" : ""}${isPicked ? " picked" : ""}`} style={{ transform: `translateY(${row.start}px)` }}>
                {onToggle ? (
                  <label className="stream-pick">
                    <input type="checkbox" checked={isPicked} onChange={(e) => onToggle(s, e.target.checked)} />
                    <span className="stream-name">{s.stream}</span>
                  </label>
                ) : null}
                {onChoose ? (
                  <button type="button" className="link stream-name" aria-pressed={chosen === s.stream} onClick={() => onChoose(s)}>{s.stream}</button>
                ) : !onToggle ? <span className="stream-name">{s.stream}</span> : null}
                <span className="stream-meta">{meta}</span>
              </div>
            );
          })}
        </div>
      </div>
      {next !== null && (
        <button type="button" onClick={() => void load(next)} disabled={loading}>{loading ? t("loadingMore") : t("loadMore")}</button>
      )}
    </div>
  );
}

/** The columns of one discovered stream, with what discovery suggests as key and cursor. */
export function StreamColumns({ stream, headingLevel = 3 }: { stream: Stream; headingLevel?: 2 | 3 | 4 }) {
  const t = useT(discovery);
  const f = useFormat();
  const id = useId();
  const [filter, setFilter] = useState("");
  const limit = 500;
  const matching = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? stream.columns.filter((c) => c.name.toLowerCase().includes(q) || c.type.toLowerCase().includes(q)) : stream.columns;
  }, [filter, stream.columns]);
  const Heading = `h${headingLevel}` as "h2" | "h3" | "h4";
  return (
    <section className="stream-columns" aria-labelledby={`${id}-h`}>
      <Heading id={`${id}-h`}>{t("columnsOf", { stream: stream.stream })}</Heading>
      {stream.estimated_rows != null && <p className="hint">{t("estimated", { n: f.number(stream.estimated_rows) })}</p>}
      {stream.columns.length > 12 && (
        <div className="field">
          <label htmlFor={`${id}-f`}>{t("filterColumns")}</label>
          <input id={`${id}-f`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
      )}
      <table className="list">
        <thead>
          <tr><th scope="col">{t("column")}</th><th scope="col">{t("type")}</th><th scope="col">{t("nativeType")}</th><th scope="col">{t("nullable")}</th><th scope="col">{t("key")}</th></tr>
        </thead>
        <tbody>
          {matching.slice(0, limit).map((c) => (
            <tr key={c.name}>
              <td><code>{c.name}</code></td>
              <td>{c.type}</td>
              <td>{c.native_type ?? "–"}</td>
              <td>{c.nullable ? t("yes") : t("no")}</td>
              <td>
                {[stream.primary_key.includes(c.name) ? t("primaryKey") : null, stream.cursor_candidates.includes(c.name) ? t("cursorCandidate") : null].filter(Boolean).join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {matching.length > limit && <p className="hint">{t("showingColumns", { shown: limit, total: matching.length })}</p>}
    </section>
  );
}
