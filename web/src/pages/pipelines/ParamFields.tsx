// One labelled input per pipeline parameter, of the kind its type takes; the API's error about a
// parameter (field `$.params.NAME`) shows beside it.
import type { PipelineParam } from "../../api/types";
import { Field } from "../../components/Field";
import { useT } from "../../i18n";
import { pipelineMessages } from "./messages";
import { isTemplate } from "./params";

const typeKeys: Record<string, "type_string" | "type_int" | "type_number" | "type_bool" | "type_date" | "type_timestamp"> = {
  string: "type_string", int: "type_int", number: "type_number", bool: "type_bool", date: "type_date", timestamp: "type_timestamp",
};

export function ParamFields({ params, values, onChange, error, disabled }: { params: PipelineParam[]; values: Record<string, string>; onChange: (name: string, value: string) => void; error: unknown; disabled?: boolean }) {
  const t = useT(pipelineMessages);
  return (
    <>
      {params.map((p) => {
        const value = values[p.name] ?? "";
        const hint = [
          t(typeKeys[p.type] ?? "type_string"),
          p.default === null ? t("requiredParam") : isTemplate(p.default) ? t("defaultTemplate", { value: p.default }) : null,
          p.description,
        ].filter(Boolean).join(" · ");
        return (
          <Field key={p.name} label={p.name} field={`params.${p.name}`} error={error} hint={hint}>
            {(a) => {
              const common = { ...a, name: p.name, disabled, required: p.default === null && p.type !== "bool" };
              switch (p.type) {
                case "bool":
                  return <input {...common} type="checkbox" checked={value === "true"} onChange={(e) => onChange(p.name, e.target.checked ? "true" : "false")} />;
                case "int":
                  return <input {...common} type="number" step={1} inputMode="numeric" value={value} onChange={(e) => onChange(p.name, e.target.value)} />;
                case "number":
                  return <input {...common} type="number" step="any" inputMode="decimal" value={value} onChange={(e) => onChange(p.name, e.target.value)} />;
                case "date":
                  return <input {...common} type="date" value={value} onChange={(e) => onChange(p.name, e.target.value)} />;
                case "timestamp":
                  return <input {...common} type="text" placeholder="2026-12-01T08:00:00Z" autoComplete="off" value={value} onChange={(e) => onChange(p.name, e.target.value)} />;
                default:
                  return <input {...common} type="text" autoComplete="off" value={value} onChange={(e) => onChange(p.name, e.target.value)} />;
              }
            }}
          </Field>
        );
      })}
    </>
  );
}
