// Column rules: per discovered column of one table (rename, exclude, mask, cast, with a warning where
// a cast narrows or changes the type), and as plain glob rules for patterns and the whole sync.
import { useId, useMemo, useState } from "react";
import type { Stream } from "../../api/types";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useT } from "../../i18n";
import { messages } from "./messages";
import { SampleValues, useStreamSample } from "./SampleValues";
import { CAST_TYPES, castWarning, columnEffect, columnPattern, emptyColumnRule, ruleMatches, type ColumnRuleForm, type Problem } from "./syncModel";

type T = ReturnType<typeof useT<keyof typeof messages.en>>;

const isEmpty = (r: ColumnRuleForm) => !r.rename.trim() && !r.exclude && !r.cast.trim() && !r.mask && Object.keys(r.other).length === 0;

function problemText(t: T, problems: Problem[], field: string): string | null {
  const p = problems.find((x) => x.field === field);
  return p ? t(`p_${p.key}`) : null;
}

function CastTypes({ id }: { id: string }) {
  return <datalist id={id}>{CAST_TYPES.map((c) => <option key={c} value={c} />)}</datalist>;
}

/** Rename, exclude, mask and cast inputs of one rule, labelled by what they change. */
function RuleInputs({ rule, label, sourceType, listId, at, problems, onChange }: {
  rule: ColumnRuleForm; label: string; sourceType: string | null; listId: string; at: string; problems: Problem[]; onChange: (change: Partial<ColumnRuleForm>) => void;
}) {
  const t = useT(messages);
  const warning = sourceType && rule.cast.trim() ? castWarning(sourceType, rule.cast) : null;
  const castProblem = problemText(t, problems, `${at}.cast`);
  const secretProblem = problemText(t, problems, `${at}.secret`);
  return (
    <>
      <td><input type="text" aria-label={t("renameOf", { column: label })} value={rule.rename} onChange={(e) => onChange({ rename: e.target.value })} /></td>
      <td><input type="checkbox" aria-label={t("excludeOf", { column: label })} checked={rule.exclude} onChange={(e) => onChange({ exclude: e.target.checked })} /></td>
      <td>
        <select aria-label={t("maskOf", { column: label })} value={rule.mask} onChange={(e) => onChange({ mask: e.target.value as ColumnRuleForm["mask"] })}>
          <option value="">{t("noMask")}</option>
          <option value="sha256">sha256</option>
          <option value="hmac">hmac</option>
        </select>
        {rule.mask === "hmac" && (
          <>
            <input type="text" aria-label={t("hmacOf", { column: label })} placeholder="${MASK_KEY}" value={rule.secret} onChange={(e) => onChange({ secret: e.target.value })} aria-invalid={!!secretProblem} title={t("hmacKeyHint")} />
            {secretProblem && <div className="err" role="alert">{secretProblem}</div>}
          </>
        )}
      </td>
      <td>
        <input type="text" list={listId} aria-label={t("castOf", { column: label })} value={rule.cast} onChange={(e) => onChange({ cast: e.target.value })} aria-invalid={!!castProblem} placeholder={sourceType ?? ""} />
        {castProblem ? <div className="err" role="alert">{castProblem}</div>
          : warning && warning.key !== "unknownType" ? <div className="warn">{t(`w_${warning.key}`, { from: warning.from, to: warning.to })}</div>
            : warning ? <div className="err">{t("w_unknownType", { to: warning.to })}</div> : null}
      </td>
    </>
  );
}

/** Glob rules (a pattern selection's, the sync's, or a table's that name no single column). */
export function ColumnRulesEditor({ rules, onChange, at, problems, hide }: {
  rules: ColumnRuleForm[]; onChange: (rules: ColumnRuleForm[]) => void; at: string; problems: Problem[]; hide?: (rule: ColumnRuleForm) => boolean;
}) {
  const t = useT(messages);
  const listId = useId();
  const shown = rules.map((r, i) => ({ r, i })).filter(({ r }) => !hide?.(r));
  const set = (i: number, change: Partial<ColumnRuleForm>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <div>
      <p className="hint">{t("columnRulesHint")}</p>
      {shown.length > 0 && (
        <table className="list mapping-table">
          <thead>
            <tr><th scope="col">{t("columnGlob")}</th><th scope="col">{t("rename")}</th><th scope="col">{t("exclude")}</th><th scope="col">{t("mask")}</th><th scope="col">{t("cast")}</th><th scope="col"><span className="visually-hidden">{t("remove")}</span></th></tr>
          </thead>
          <tbody>
            {shown.map(({ r, i }) => {
              const label = r.pattern || t("ruleNumber", { n: i + 1 });
              const patternProblem = problemText(t, problems, `${at}[${i}].pattern`);
              return (
                <tr key={r.key}>
                  <td>
                    <input type="text" aria-label={`${t("columnGlob")} (${t("ruleNumber", { n: i + 1 })})`} value={r.pattern} placeholder="*.email" onChange={(e) => set(i, { pattern: e.target.value })} aria-invalid={!!patternProblem} />
                    {patternProblem && <div className="err" role="alert">{patternProblem}</div>}
                  </td>
                  <RuleInputs rule={r} label={label} sourceType={null} listId={listId} at={`${at}[${i}]`} problems={problems} onChange={(c) => set(i, c)} />
                  <td><button type="button" className="danger" aria-label={t("removeRule", { n: i + 1 })} onClick={() => onChange(rules.filter((_, j) => j !== i))}>{t("remove")}</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <CastTypes id={listId} />
      <button type="button" onClick={() => onChange([...rules, emptyColumnRule()])}>{t("addColumnRule")}</button>
    </div>
  );
}

/**
 * One row per discovered column of a table: its rule (by the column's exact glob), which other rules also touch it,
 * and on demand a few values of the table's rows (masked columns' values hidden).
 */
export function ColumnMapping({ connection, stream, rules, syncRules, onChange, at, problems }: {
  connection: string; stream: Stream; rules: ColumnRuleForm[]; syncRules: ColumnRuleForm[]; onChange: (rules: ColumnRuleForm[]) => void; at: string; problems: Problem[];
}) {
  const t = useT(messages);
  const id = useId();
  const [filter, setFilter] = useState("");
  const sampling = useStreamSample(connection, stream.stream);
  const { sample } = sampling;
  const limit = 200;
  const matching = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? stream.columns.filter((c) => c.name.toLowerCase().includes(q) || c.type.toLowerCase().includes(q)) : stream.columns;
  }, [filter, stream.columns]);
  const exact = useMemo(() => new Set(stream.columns.map((c) => columnPattern(stream, c.name))), [stream]);
  const setColumn = (pattern: string, change: Partial<ColumnRuleForm>) => {
    const i = rules.findIndex((r) => r.pattern === pattern);
    if (i < 0) {
      onChange([...rules, { ...emptyColumnRule(pattern), ...change }]);
      return;
    }
    const next = { ...rules[i], ...change };
    onChange(isEmpty(next) ? rules.filter((_, j) => j !== i) : rules.map((r, j) => (j === i ? next : r)));
  };
  return (
    <div>
      <div className="sample-bar">
        <button type="button" onClick={sampling.load} disabled={sampling.busy}>{sampling.busy ? t("sampling") : sample ? t("sampleAgain") : t("sampleRows")}</button>
        {sample && <span className="hint">{sample.rows.length > 0 ? t("sampleHint", { n: sample.rows.length }) : t("sampleEmpty")}</span>}
      </div>
      <ErrorBanner error={sampling.error} onRetry={sampling.load} />
      {stream.columns.length > 12 && (
        <div className="field">
          <label htmlFor={`${id}-f`}>{t("filterColumns")}</label>
          <input id={`${id}-f`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
      )}
      <table className="list mapping-table">
        <thead>
          <tr>
            <th scope="col">{t("column")}</th><th scope="col">{t("sourceType")}</th>{sample && <th scope="col">{t("sampleTitle")}</th>}
            <th scope="col">{t("rename")}</th><th scope="col">{t("exclude")}</th><th scope="col">{t("mask")}</th><th scope="col">{t("cast")}</th>
          </tr>
        </thead>
        <tbody>
          {matching.slice(0, limit).map((c) => {
            const pattern = columnPattern(stream, c.name);
            const i = rules.findIndex((r) => r.pattern === pattern);
            const rule = i >= 0 ? rules[i] : emptyColumnRule(pattern);
            const others = [...syncRules, ...rules.filter((r) => r.pattern !== pattern)].filter((r) => r.pattern && ruleMatches(r.pattern, stream, c.name)).map((r) => r.pattern);
            const effect = columnEffect([...syncRules, ...rules], stream, c.name);
            // A masked column arrives as text, whatever its cast says.
            const target = effect.mask ? "string" : effect.cast;
            return (
              <tr key={c.name} className={effect.exclude ? "excluded" : undefined}>
                <td>
                  <code>{c.name}</code>
                  {stream.primary_key.includes(c.name) && <small className="muted"> ({t("primaryKey")})</small>}
                  {others.length > 0 && <div className="hint">{t("alsoRules", { rules: others.join(", ") })}</div>}
                </td>
                <td>
                  {c.type}
                  {target && target !== c.type && <span className="cast-target" title={effect.mask ? t("maskedAs", { mask: effect.mask }) : t("castTo", { type: target })}> → {target}</span>}
                </td>
                {sample && <td className="sample-cell"><SampleValues sample={sample} column={c.name} mask={effect.mask} excluded={effect.exclude} /></td>}
                <RuleInputs rule={rule} label={c.name} sourceType={c.type} listId={`${id}-types`} at={`${at}[${i}]`} problems={i >= 0 ? problems : []} onChange={(change) => setColumn(pattern, change)} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {matching.length > limit && <p className="hint">{t("showingColumns", { shown: limit, total: matching.length })}</p>}
      <CastTypes id={`${id}-types`} />
      <h4>{t("columnRules")}</h4>
      <ColumnRulesEditor rules={rules} onChange={onChange} at={at} problems={problems} hide={(r) => exact.has(r.pattern) && r.pattern !== ""} />
    </div>
  );
}
