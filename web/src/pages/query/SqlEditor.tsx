// A CodeMirror SQL editor: highlighting, completion of tables and columns (and, for models, of ref('…')
// names), Jinja `{{ … }}` marked, Ctrl/Cmd+Enter to run. Tab leaves the editor (it does not indent), so
// keyboard users are never trapped in it.
import { useEffect, useRef } from "react";
import { basicSetup } from "codemirror";
import { EditorView, keymap, placeholder as placeholderExt, Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { Compartment, EditorState, Prec, type Extension } from "@codemirror/state";
import { PostgreSQL, sql, type SQLNamespace } from "@codemirror/lang-sql";
import type { CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import "./query.css";

export interface SqlEditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** The accessible name of the editing area. */
  label: string;
  /** An id for the editing area, so a <label htmlFor> can name it. */
  id?: string;
  /** Tables and columns for completion: { schema: { table: [columns] } }. */
  schema?: SQLNamespace;
  /** Names completed inside ref('…'). */
  refs?: readonly string[];
  readOnly?: boolean;
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void;
  placeholder?: string;
  /** Receives the view (tests, "go to line"). */
  viewRef?: (view: EditorView | null) => void;
  /** SQL highlighting (off for YAML and other files). */
  language?: "sql" | "text";
  height?: string;
}

const jinja = new MatchDecorator({ regexp: /\{\{.*?\}\}|\{%.*?%\}/g, decoration: Decoration.mark({ class: "cm-jinja" }) });
const jinjaHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) { this.decorations = jinja.createDeco(view); }
    update(u: ViewUpdate) { this.decorations = jinja.updateDeco(u, this.decorations); }
  },
  { decorations: (v) => v.decorations },
);

function refCompletion(names: readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const m = context.matchBefore(/ref\(\s*['"][A-Za-z0-9_]*$/);
    if (!m) return null;
    const quote = Math.max(m.text.lastIndexOf("'"), m.text.lastIndexOf('"'));
    return { from: m.from + quote + 1, options: names.map((n) => ({ label: n, type: "class" })), validFor: /^[A-Za-z0-9_]*$/ };
  };
}

function languageOf(props: Pick<SqlEditorProps, "schema" | "refs" | "language">): Extension {
  if (props.language === "text") return [];
  const support = sql({ dialect: PostgreSQL, schema: props.schema ?? {}, defaultSchema: "main" });
  return props.refs ? [support, support.language.data.of({ autocomplete: refCompletion(props.refs) })] : support;
}

export function SqlEditor(props: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const editable = useRef(new Compartment());
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          basicSetup,
          Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { latest.current.onRun?.(); return !!latest.current.onRun; } }])),
          language.current.of(languageOf(latest.current)),
          editable.current.of([EditorState.readOnly.of(!!latest.current.readOnly), EditorView.editable.of(!latest.current.readOnly)]),
          jinjaHighlight,
          EditorView.lineWrapping,
          latest.current.placeholder ? placeholderExt(latest.current.placeholder) : [],
          EditorView.contentAttributes.of({ "aria-label": latest.current.label, ...(latest.current.id ? { id: latest.current.id } : {}), "aria-multiline": "true" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange?.(u.state.doc.toString());
          }),
          EditorView.theme({ "&": { height: latest.current.height ?? "320px" }, ".cm-scroller": { overflow: "auto" } }),
        ],
      }),
    });
    view.current = v;
    latest.current.viewRef?.(v);
    return () => {
      latest.current.viewRef?.(null);
      v.destroy();
      view.current = null;
    };
  }, []);

  // A value set from outside (a file loaded, a reset) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(languageOf(props)) });
  }, [props.schema, props.refs, props.language]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure([EditorState.readOnly.of(!!props.readOnly), EditorView.editable.of(!props.readOnly)]) });
  }, [props.readOnly]);

  return <div className="sql-editor" ref={host} />;
}

/** Moves the cursor to a line (1-based) and shows it. */
export function goToLine(view: EditorView, line: number): void {
  const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
  view.dispatch({ selection: { anchor: l.from, head: l.to }, scrollIntoView: true });
  view.focus();
}
