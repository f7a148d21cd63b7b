import { defineMessages } from "../../i18n";

/** Names of run, step, task and attempt states and of deadline statuses, shared by Home, Pipelines and Runs. */
export const stateMessages = defineMessages({
  en: {
    queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed", cancelled: "Cancelled", skipped: "Skipped",
    waiting: "Waiting", ready: "Ready", upstream_failed: "Upstream failed", lost: "Lost", timed_out: "Timed out",
    on_track: "On track", at_risk: "At risk", late: "Late", met: "Met", missed: "Missed",
    schedule: "Schedule", manual: "Manual", backfill: "Backfill", pipeline: "Pipeline",
  },
  ja: {
    queued: "待機中", running: "実行中", succeeded: "成功", failed: "失敗", cancelled: "キャンセル", skipped: "スキップ",
    waiting: "待ち", ready: "実行可能", upstream_failed: "上流が失敗", lost: "消失", timed_out: "タイムアウト",
    on_track: "順調", at_risk: "遅延の恐れ", late: "遅延", met: "期限内", missed: "期限超過",
    schedule: "スケジュール", manual: "手動", backfill: "バックフィル", pipeline: "パイプライン",
  },
});

export type StateKey = keyof typeof stateMessages.en;
