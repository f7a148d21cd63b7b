// An error that no single field explains: the API problem's title and detail.
import { ApiError } from "../api/client";
import { useT } from "../i18n";
import { common } from "./messages";

/** Shows `error` unless it names one of `fields` (those show beside their inputs). */
export function ErrorBanner({ error, fields = [], onRetry }: { error: unknown; fields?: string[]; onRetry?: () => void }) {
  const t = useT(common);
  if (!error) return null;
  if (error instanceof ApiError && fields.some((f) => error.concerns(f))) return null;
  const text = error instanceof ApiError
    ? error.status === 0 ? t("networkError") : error.status === 403 ? `${t("forbidden")} ${error.detail ?? ""}`.trim() : `${error.title}${error.detail ? `: ${error.detail}` : ""}`
    : error instanceof Error ? error.message : String(error);
  return (
    <div className="banner banner-error" role="alert">
      <span>{text}</span>
      {onRetry && <button type="button" className="link" onClick={onRetry}>{t("retry")}</button>}
    </div>
  );
}

export function Loading() {
  const t = useT(common);
  return <div className="loading" role="status">{t("loading")}</div>;
}
