import { defineMessages } from "../../i18n";

export const ui = defineMessages({
  en: {
    adminOnly: "Only admins manage users, roles, grants and the audit log.",
    conflict: "Someone else changed this since you opened it. Reload to see their change, then make yours again.",
    reload: "Reload",
    cancel: "Cancel",
  },
  ja: {
    adminOnly: "ユーザー・ロール・権限・監査ログを管理できるのは管理者だけです。",
    conflict: "開いた後で他の人がこれを変更しました。再読み込みして相手の変更を確認してから、もう一度変更してください。",
    reload: "再読み込み",
    cancel: "キャンセル",
  },
});
