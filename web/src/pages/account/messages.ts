import { defineMessages } from "../../i18n";

export const account = defineMessages({
  en: {
    title: "Account", notFound: "No such page.", name: "User name", role: "Role", levelIs: "level {level}",
    passwordChanged: "Your password was changed.",

    changePassword: "Change password", firstStartTitle: "Choose your own password",
    firstStartText: "You signed in with the password the server made at its first start. Choose your own before you go on.",
    currentPassword: "Current password", currentHintFirst: "The one the server printed at its first start.",
    newPassword: "New password", newHint: "At least 12 characters; a few words make a good one.", confirmPassword: "Confirm new password",
    currentRequired: "Enter your current password.", tooShort: "Use at least 12 characters.",
    sameAsCurrent: "Choose a password different from the current one.", mismatch: "The two new passwords do not match.",
    setPassword: "Set password", changePasswordButton: "Change password", saving: "Saving…",

    tokensTitle: "API tokens", tokensIntro: "A token lets a script or the nagare command line act as you: send it as Authorization: Bearer ….",
    tokensIntroAdmin: "A token lets a script or the nagare command line act as its user: send it as Authorization: Bearer …. As an admin you see everyone's tokens.",
    tokenName: "Token name", tokenNameHint: "What it is for, e.g. ci or laptop (letters, digits, _, -, . and @).",
    scopes: "Scopes", scopesHint: "None ticked: everything your role may do. Each ticked scope narrows the token to it.",
    expiresDays: "Expires after (days)", expiresHint: "1 to 3650; leave empty for a token that does not expire.", daysInvalid: "Give a whole number of days from 1 to 3650, or leave it empty.",
    newToken: "New token", createToken: "Create token", creating: "Creating…",
    secretTitle: "The secret of the token {name}", secretWarning: "Copy it now: it is shown this once and cannot be shown again.",
    secretLabel: "Token secret", copy: "Copy", copied: "Copied to the clipboard.", copyFailed: "Could not copy; select the text and copy it yourself.",
    secretUse: "Send it as the header Authorization: Bearer <secret>, or set NAGARE_TOKEN for the command line.", secretDone: "I have copied it",
    owner: "User", you: "(you)", prefix: "Starts with", createdCol: "Created", expires: "Expires", lastUsed: "Last used", status: "Status", actions: "Actions",
    never: "never", allScopes: "all", revoked: "revoked", expired: "expired", activeToken: "active", noTokens: "No tokens yet.",
    revoke: "Revoke", revokeQ: "Revoke {name}? Scripts using it stop working.", yesRevoke: "Yes, revoke",
  },
  ja: {
    title: "アカウント", notFound: "ページがありません。", name: "ユーザー名", role: "ロール", levelIs: "レベル {level}",
    passwordChanged: "パスワードを変更しました。",

    changePassword: "パスワードの変更", firstStartTitle: "自分のパスワードを設定してください",
    firstStartText: "初回起動時にサーバーが作成したパスワードでサインインしています。続ける前に、自分のパスワードを設定してください。",
    currentPassword: "現在のパスワード", currentHintFirst: "初回起動時にサーバーが表示したパスワードです。",
    newPassword: "新しいパスワード", newHint: "12 文字以上。いくつかの単語を組み合わせると覚えやすく安全です。", confirmPassword: "新しいパスワード（確認）",
    currentRequired: "現在のパスワードを入力してください。", tooShort: "12 文字以上にしてください。",
    sameAsCurrent: "現在のパスワードとは別のものにしてください。", mismatch: "新しいパスワードが一致しません。",
    setPassword: "パスワードを設定", changePasswordButton: "パスワードを変更", saving: "保存中…",

    tokensTitle: "API トークン", tokensIntro: "トークンを使うと、スクリプトや nagare コマンドがあなたとして API を呼び出せます。Authorization: Bearer … として送ってください。",
    tokensIntroAdmin: "トークンを使うと、スクリプトや nagare コマンドがそのユーザーとして API を呼び出せます。Authorization: Bearer … として送ってください。管理者には全員のトークンが表示されます。",
    tokenName: "トークン名", tokenNameHint: "用途がわかる名前。例: ci、laptop（英数字と _ - . @）",
    scopes: "スコープ", scopesHint: "何も選ばなければ、ロールで許されるすべての操作ができます。選んだスコープに限定されます。",
    expiresDays: "有効期限（日数）", expiresHint: "1〜3650。空欄にすると期限のないトークンになります。", daysInvalid: "1〜3650 の整数で指定するか、空欄にしてください。",
    newToken: "新しいトークン", createToken: "トークンを作成", creating: "作成中…",
    secretTitle: "トークン {name} のシークレット", secretWarning: "今すぐコピーしてください。表示されるのはこの一度だけで、後から見ることはできません。",
    secretLabel: "トークンのシークレット", copy: "コピー", copied: "クリップボードにコピーしました。", copyFailed: "コピーできませんでした。文字列を選択して手動でコピーしてください。",
    secretUse: "ヘッダー Authorization: Bearer <シークレット> として送るか、コマンドラインでは NAGARE_TOKEN に設定してください。", secretDone: "コピーしました",
    owner: "ユーザー", you: "（自分）", prefix: "先頭の文字", createdCol: "作成日時", expires: "有効期限", lastUsed: "最終利用", status: "状態", actions: "操作",
    never: "なし", allScopes: "すべて", revoked: "無効化済み", expired: "期限切れ", activeToken: "有効", noTokens: "トークンはまだありません。",
    revoke: "無効化", revokeQ: "{name} を無効化しますか？ これを使うスクリプトは動かなくなります。", yesRevoke: "無効化する",
  },
});
