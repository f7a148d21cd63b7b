import { defineMessages } from "../i18n";

export const common = defineMessages({
  en: {
    loading: "Loading…", retry: "Retry", save: "Save", cancel: "Cancel", delete: "Delete", create: "Create", close: "Close",
    showYaml: "Show YAML", hideYaml: "Hide YAML", yamlTitle: "The YAML this form writes", empty: "Nothing here yet.",
    search: "Search", rows: "{n} rows", truncated: "(first {n} rows)", error: "Error", networkError: "The server did not answer.",
    forbidden: "Your role may not do this.", confirm: "Are you sure?", noValue: "–", download: "Download",
  },
  ja: {
    loading: "読み込み中…", retry: "再試行", save: "保存", cancel: "キャンセル", delete: "削除", create: "作成", close: "閉じる",
    showYaml: "YAML を表示", hideYaml: "YAML を隠す", yamlTitle: "このフォームが書く YAML", empty: "まだ何もありません。",
    search: "検索", rows: "{n} 行", truncated: "（先頭 {n} 行）", error: "エラー", networkError: "サーバーが応答しません。",
    forbidden: "このロールでは実行できません。", confirm: "よろしいですか？", noValue: "–", download: "ダウンロード",
  },
});
