import { defineMessages } from "../../i18n";

export const homeMessages = defineMessages({
  en: {
    title: "Overview", today: "Today", runsToday: "Runs today", allRuns: "All runs →",
    deadlines: "Late or at risk", deadlinesHint: "Runs past or expected past their deadline, and every unfinished run that has one.", noDeadlineTrouble: "No run is late or at risk of missing its deadline.",
    run: "Run", deadline: "Deadline", eta: "Predicted finish", status: "Deadline status", unknown: "not known yet",
    failures: "Recent failures", noFailures: "No failed runs.",
    rowsPerDay: "Rows moved per day", rowsChart: "Rows moved per day, last {n} days", rows: "Rows", noStats: "No daily statistics yet.",
    statsTotal: "In these days: {rows} rows, {bytes}, {runs} runs, {failed} failed.",
  },
  ja: {
    title: "概要", today: "今日", runsToday: "今日の実行", allRuns: "すべての実行 →",
    deadlines: "遅延・遅延の恐れ", deadlinesHint: "期限を過ぎた、または過ぎる見込みの実行と、期限のある未完了の実行です。", noDeadlineTrouble: "期限に遅れている実行や、遅れる恐れのある実行はありません。",
    run: "実行", deadline: "期限", eta: "終了予測", status: "期限の状況", unknown: "未算出",
    failures: "最近の失敗", noFailures: "失敗した実行はありません。",
    rowsPerDay: "日ごとの処理行数", rowsChart: "日ごとの処理行数（直近 {n} 日）", rows: "行数", noStats: "日次の統計はまだありません。",
    statsTotal: "この期間: {rows} 行、{bytes}、実行 {runs} 件、失敗 {failed} 件。",
  },
});
