import { defineMessages } from "./i18n";

export const shell = defineMessages({
  en: {
    home: "Home", connections: "Connections", syncs: "Syncs", models: "Models", query: "Query", pipelines: "Pipelines", activations: "Activations", runs: "Runs",
    access: "Access", account: "Account & tokens", signOut: "Sign out", language: "Language", mainNav: "Main", notFound: "No such page.",
    noAccess: "Your role may not open this page.",
    signInTitle: "Sign in to Nagare", name: "User name", password: "Password", signIn: "Sign in", signingIn: "Signing in…",
    badPassword: "The name or password is wrong.", tooMany: "Too many failed sign-ins. Try again in {s} seconds.", userMenu: "User menu",
    skip: "Skip to content", firstStart: "On the first start, the server printed the password of the user admin once in its terminal.",
  },
  ja: {
    home: "ホーム", connections: "接続", syncs: "同期", models: "モデル", query: "クエリ", pipelines: "パイプライン", activations: "アクティベーション", runs: "実行履歴",
    access: "アクセス管理", account: "アカウントとトークン", signOut: "サインアウト", language: "言語", mainNav: "メイン", notFound: "ページがありません。",
    noAccess: "このロールではこのページを開けません。",
    signInTitle: "Nagare にサインイン", name: "ユーザー名", password: "パスワード", signIn: "サインイン", signingIn: "サインイン中…",
    badPassword: "ユーザー名またはパスワードが違います。", tooMany: "サインインの失敗が続きました。{s} 秒後に再試行してください。", userMenu: "ユーザーメニュー",
    skip: "本文へ移動", firstStart: "初回起動時、サーバーは admin ユーザーのパスワードを端末に一度だけ表示しました。",
  },
});
