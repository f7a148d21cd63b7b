// Every form can show the YAML it writes into the project.
import { useState } from "react";
import { useT } from "../i18n";
import { common } from "./messages";

export function YamlPreview({ yaml, path }: { yaml: string; path?: string }) {
  const t = useT(common);
  const [open, setOpen] = useState(false);
  return (
    <div className="yaml-preview">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? t("hideYaml") : t("showYaml")}</button>
      {open && (
        <figure>
          <figcaption>{t("yamlTitle")}{path ? `: ${path}` : ""}</figcaption>
          <pre className="code" data-testid="yaml-preview">{yaml}</pre>
        </figure>
      )}
    </div>
  );
}
