// A run's log: live as server-sent events while it runs (`line` events whose id is the line id, so the
// browser resumes with Last-Event-ID; an `end` event when the run is final), else pages of JSON.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { api, API, seg } from "../../api/client";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLang, useT } from "../../i18n";
import { runMessages } from "./messages";
import type { LogEntry, LogPage } from "./model";

const pageLimit = 1000;
const keep = 20_000;
const pollEvery = 2000;

type Status = "loading" | "live" | "polling" | "done";

export function LogPanel({ runId, active, labels }: { runId: number; active: boolean; labels: Map<number, string> }) {
  const t = useT(runMessages);
  const { lang } = useLang();
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<Status>("loading");
  const [error, setError] = useState<unknown>(null);
  const [streamFailed, setStreamFailed] = useState(false);
  const [follow, setFollow] = useState(true);
  const last = useRef(0);
  const panel = useRef<HTMLDivElement>(null);

  const append = useCallback((items: LogEntry[]) => {
    const fresh = items.filter((l) => l.id > last.current);
    if (fresh.length === 0) return;
    last.current = fresh[fresh.length - 1].id;
    setLines((prev) => {
      const all = prev.concat(fresh);
      return all.length > keep ? all.slice(all.length - keep) : all;
    });
  }, []);

  useEffect(() => {
    if (active && !streamFailed && typeof EventSource !== "undefined") {
      const source = new EventSource(`${API}/runs/${seg(runId)}/logs?after=${last.current}`);
      setStatus("live");
      source.addEventListener("line", (e) => {
        try {
          append([JSON.parse((e as MessageEvent<string>).data) as LogEntry]);
        } catch {
          // a line that is not JSON is skipped
        }
      });
      source.addEventListener("end", () => {
        source.close();
        setStatus("done");
      });
      source.onerror = () => {
        // The browser reconnects by itself (with Last-Event-ID); a refused stream is closed for good: poll instead.
        if (source.readyState === EventSource.CLOSED) setStreamFailed(true);
      };
      return () => source.close();
    }

    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        for (;;) {
          const page = await api.get<LogPage>(`runs/${seg(runId)}/logs?after=${last.current}&limit=${pageLimit}`, { signal: controller.signal });
          append(page.items);
          if (page.items.length < pageLimit) break;
        }
        setError(null);
        setStatus(active ? "polling" : "done");
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e);
      }
      if (active && !controller.signal.aborted) timer = setTimeout(() => void read(), pollEvery);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [runId, active, streamFailed, append]);

  // Keep the newest line in view while following.
  useLayoutEffect(() => {
    const el = panel.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  const onScroll = () => {
    const el = panel.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const time = useMemo(() => new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }), [lang]);
  const statusText = status === "live" ? t("logLive") : status === "polling" ? t("logPolling") : status === "done" ? t("logDone") : t("logLoading");
  return (
    <div>
      <div className="log-toolbar">
        <span className="hint" role="status">{statusText} · {t("logLines", { n: lines.length })}</span>
        <label className="checkbox"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{t("follow")}</label>
      </div>
      <ErrorBanner error={error} />
      <div ref={panel} className="log-panel" role="log" aria-label={t("logTitle")} tabIndex={0} onScroll={onScroll} data-testid="log-panel">
        {lines.length === 0 ? <div className="muted">{status === "loading" ? t("logLoading") : t("noLog")}</div> : lines.map((l) => (
          <div className="log-line" key={l.id}>
            <span className="log-at">{time.format(new Date(l.at))}</span>
            {labels.get(l.attempt_id) && <span className="log-task">{labels.get(l.attempt_id)}</span>}
            {l.line}
          </div>
        ))}
      </div>
    </div>
  );
}
