// A problem the server found in project files: each line as it was sent, and for lines that name a place in
// the file being edited, a button that moves the editor there.
import type { ReactNode } from "react";
import { ApiError } from "../../api/client";
import { useT } from "../../i18n";
import { messages } from "./messages";
import { problemLines, problemPlaces } from "./files";

export function Problems({ error, title, path, onGoTo, actions }: { error: unknown; title: string; path?: string; onGoTo?: (line: number) => void; actions?: ReactNode }) {
  const t = useT(messages);
  if (!error) return null;
  const lines = problemLines(error);
  const heading = error instanceof ApiError && error.status === 0 ? t("networkError") : title;
  return (
    <div className="banner banner-error problems" role="alert">
      <div>
        <strong>{heading}</strong>
        {error instanceof ApiError && error.status !== 400 && <span> ({error.status} {error.title})</span>}
        <ul>
          {lines.map((line, i) => {
            const place = path ? problemPlaces(line).find((p) => p.path === path) : undefined;
            return (
              <li key={i}>
                <code>{line}</code>
                {place && onGoTo && <> <button type="button" className="link" onClick={() => onGoTo(place.line)}>{t("goToLine", { line: place.line })}</button></>}
              </li>
            );
          })}
        </ul>
        {actions}
      </div>
    </div>
  );
}
