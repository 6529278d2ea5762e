"""The text report's labels, prompts and notices."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "tally_not_written": (
        "集計ファイルに記録できませんでした ({reason})。判定の結果は変わりません。",
        "the tally row was not written ({reason}); the verdict stands.",
    ),
    "simulated": ("[シミュレーション]", "[simulated]"),
    "reader": ("リーダー", "Reader"),
    "expiry": ("有効期限", "Expires"),
    "days_left": ("あと {days} 日", "{days} {days:day|days} left"),
    "days_ago": ("{days} 日前に期限切れ", "expired {days} {days:day|days} ago"),
    "no_expiry": ("有効期限なし (証明書の記載: {utc})", "No expiry (the certificate says {utc})"),
    "valid_from": ("有効期間の開始", "Valid from"),
    "renewal_opens": ("更新受付の開始", "Renewal opens"),
    "issuer": ("発行元", "Issuer"),
    "trust.jlis": (
        "J-LIS のルート証明書 (第 {gen} 世代、SHA-256 値で確認)",
        "J-LIS root (generation {gen}, SHA-256 pinned)",
    ),
    "trust.anchor": ("利用者が指定したルート証明書", "a root you trust (anchor)"),
    "trust.simulated": (
        "mynacheck シミュレーター用のルート証明書 (試験用)",
        "mynacheck simulator root (for testing only)",
    ),
    "trust.test_card": (
        "JPKI テスト用のルート証明書 (信頼しません)",
        "JPKI test root (not trusted)",
    ),
    "trust.untrusted": ("不明なルート証明書 (信頼しません)", "unknown root (not trusted)"),
    "trust.none": ("未確認", "not checked"),
    "pin": ("暗証番号", "PIN"),
    "pin.not_checked": ("確認していません", "not checked"),
    "pin.verified": ("確認済み", "verified"),
    "pin.tries": ("残り {tries} 回", "{tries} {tries:try|tries} left"),
    "pin.blocked": ("ロック中", "blocked"),
    "key": ("カード内の鍵", "Card key"),
    "key.ok": ("証明書と対応 (署名で確認)", "matches the certificate (signature checked)"),
    "key.bad": ("証明書と対応していません", "does not match the certificate"),
    "key.not": ("確認していません", "not proven"),
    "revocation": ("失効確認", "Revocation"),
    "revocation.value": (
        "未確認 (J-LIS への失効の問い合わせは、許可を受けた事業者だけができます)",
        "not checked (only licensed verifiers may ask J-LIS)",
    ),
    "next": ("次にすること", "What to do"),
    "notes": ("補足", "Notes"),
    "serial": ("シリアル番号", "Serial"),
    "pin.prompt": (
        "利用者証明用の暗証番号 (数字 4 桁) を入力してください: ",
        "User-authentication PIN (4 digits): ",
    ),
    "pin.reask": (
        "数字 {min} 桁で入力してください (カードには送っていません)。",
        "Enter {min} digits (nothing was sent to the card).",
    ),
    "pin.last_try_warning": (
        "注意: 残り 1 回です。間違えると暗証番号がロックされ、市区町村の窓口での手続きが必要になります。",
        "Warning: 1 try left. A wrong PIN blocks the card until you visit your municipal counter.",
    ),
    "pin.last_try_question": ("入力を続けますか?", "Continue?"),
    "pinname.jpki_auth": (
        "利用者証明用電子証明書の暗証番号 (数字 4 桁)",
        "JPKI user-authentication PIN (4 digits)",
    ),
    "pinname.jpki_sign": (
        "署名用電子証明書の暗証番号 (英数字 6-16 桁)",
        "JPKI signature password (6-16 characters)",
    ),
    "pinname.kenkaku_hojo_pin": (
        "券面事項入力補助用の暗証番号 (数字 4 桁)",
        "card-info input-support PIN (4 digits)",
    ),
    "pinname.kenkaku_hojo_pin_a": ("券面事項入力補助 照合番号 A", "card-info input-support PIN A"),
    "pinname.kenkaku_hojo_pin_b": ("券面事項入力補助 照合番号 B", "card-info input-support PIN B"),
    "pinname.kenmen_pin_a": ("券面 照合番号 A", "card-surface PIN A"),
    "pinname.kenmen_pin_b": ("券面 照合番号 B", "card-surface PIN B"),
    "pinstate.unavailable": ("このカードにはありません", "not on this card"),
    "pinstate.verified": (
        "確認済みの状態 (残り回数は分かりません)",
        "verified this power cycle (tries unknown)",
    ),
    "pinstate.tries": ("残り {tries} 回", "{tries} {tries:try|tries} left"),
    "pinstate.tries_of": ("残り {tries} 回 / {max} 回", "{tries} of {max} tries left"),
    "pinstate.blocked": ("ロック中", "BLOCKED"),
    # What to do about each blocked PIN (pin-status).
    "pinreset.jpki_auth": (
        "住民票のある市区町村の窓口で初期化 (再設定) を申請してください。マイナンバーカードを持参します。スマートフォンのアプリとコンビニのキオスク端末で再設定できる場合もあります。",
        "have it reset at your municipal counter (bring the card); some convenience-store kiosks can reset it with a smartphone app.",
    ),
    "pinreset.jpki_sign": (
        "住民票のある市区町村の窓口で初期化 (再設定) を申請してください。マイナンバーカードを持参します。スマートフォンのアプリとコンビニのキオスク端末で再設定できる場合もあります。",
        "have it reset at your municipal counter (bring the card); some convenience-store kiosks can reset it with a smartphone app.",
    ),
    "pinreset.kenkaku_hojo_pin": (
        "住民票のある市区町村の窓口で初期化 (再設定) を申請してください。マイナンバーカードを持参します。",
        "have it reset at your municipal counter; bring the card.",
    ),
    "pinreset.other": (
        "この照合番号は利用者が決めるものではありません。ロックの解除は市区町村の窓口に相談してください。",
        "this PIN is not one you set: ask your municipal counter to unblock it.",
    ),
    "pin.last_try_left": (
        "注意: 残り 1 回の暗証番号があります。間違えるとロックされます。",
        "Warning: a PIN has 1 try left; one more mistake blocks it.",
    ),
    "pin.none_blocked": ("ロックされた暗証番号はありません。", "No PIN is blocked."),
    "interrupted": ("中断しました。", "interrupted."),
    "record_notice": (
        "記録を {path} に保存しました。利用者証明用電子証明書を含みます (個人情報はありませんが、カード固有のシリアル番号があります)。暗証番号は伏せてあります。",
        "Transcript written to {path}. It holds the user-authentication certificate (no personal data, but a serial number unique to the card). PIN bytes are redacted.",
    ),
    "output_lost": ("出力を書き込めません ({reason})", "cannot write the output ({reason})"),
    "debug_log_stopped": (
        "診断ログ {path} への書き込みを止めました ({reason})。確認は続けます。",
        "the diagnostic log {path} stopped ({reason}); the check goes on.",
    ),
    "scenario.root": ("ルート証明書: {path}", "Its root: {path}"),
    "record_failed": (
        "記録を保存できませんでした: {reason}",
        "the transcript was not written: {reason}",
    ),
    "readers.none": ("リーダーがありません。", "no readers."),
    "readers.empty": ("カードなし", "no card"),
    "readers.busy": (
        "カードあり (他のプログラムが使用中のため、種類は不明)",
        "card (busy, not identified)",
    ),
    "readers.mynumber": ("マイナンバーカード", "My Number Card"),
    "readers.other": ("マイナンバーカード以外のカード", "not a My Number Card"),
    "info.sw": ("カードの応答コード", "Card answered"),
    "info.pcsc_error": ("PC/SC のエラー", "PC/SC error"),
    "info.token": ("カードの種類を示すラベル", "Token label"),
    "info.token_sw": ("ラベルの読み取りへの応答コード", "Token label read answered"),
}
