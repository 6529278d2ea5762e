"""Counter mode (watch) and the tally report."""

from __future__ import annotations

# Counter mode: the short verdict word, one line, and what to do.
WATCH: dict[str, tuple[str, str]] = {
    "word.valid": ("有効", "VALID"),
    "word.missing": ("証明書なし", "MISSING"),
    "word.expired": ("期限切れ", "EXPIRED"),
    "word.not_yet_valid": ("有効期間前", "NOT YET VALID"),
    "word.invalid": ("不正", "INVALID"),
    "word.untrusted": ("発行元不明", "UNTRUSTED"),
    "word.not_mynumber_card": ("対象外のカード", "NOT A MY NUMBER CARD"),
    "word.smartphone": ("スマートフォン", "SMARTPHONE"),
    "word.unknown_card": ("不明なカード", "UNKNOWN CARD"),
    "word.card_error": ("読み取り失敗", "READ FAILED"),
    "word.card_busy": ("使用中", "CARD BUSY"),
    "word.no_card": ("カードなし", "NO CARD"),
    "word.pin_incorrect": ("暗証番号の誤り", "PIN INCORRECT"),
    "word.pin_blocked": ("暗証番号ロック", "PIN BLOCKED"),
    "word.pin_last_try": ("暗証番号 残り 1 回", "PIN LAST TRY"),
    "word.other": ("エラー", "ERROR"),
    "line.valid": (
        "利用者証明用電子証明書は使えます。",
        "The user-authentication certificate works.",
    ),
    "line.missing": (
        "利用者証明用電子証明書が入っていません。",
        "This card holds no user-authentication certificate.",
    ),
    "line.expired": (
        "利用者証明用電子証明書の有効期限が過ぎています。",
        "The user-authentication certificate has expired.",
    ),
    "line.not_yet_valid": (
        "証明書の有効期間がまだ始まっていません。",
        "The certificate's validity period has not started.",
    ),
    "line.invalid": (
        "利用者証明用電子証明書が正しくありません。",
        "The certificate failed verification.",
    ),
    "line.untrusted": (
        "J-LIS が発行した証明書と確認できません。",
        "The certificate could not be traced to J-LIS.",
    ),
    "line.not_mynumber_card": (
        "マイナンバーカードではありません (公的個人認証サービスの機能がありません)。",
        "Not a My Number Card (no JPKI application).",
    ),
    "line.smartphone": (
        "スマートフォンの電子証明書です (カードではありません)。",
        "This is a smartphone's certificate, not the My Number Card.",
    ),
    "line.unknown_card": (
        "マイナンバーカードと確認できないカードです。",
        "This card does not say it is a My Number Card.",
    ),
    "line.token_juki_card": (
        "住基カードです (マイナンバーカードではありません)。",
        "This is an old 住基カード (Basic Resident Registration card), not a My Number Card.",
    ),
    "line.card_error": ("カードと通信できませんでした。", "Could not communicate with the card."),
    "line.card_removed": (
        "読み取り中にカードが外されました。",
        "The card was removed during the read.",
    ),
    "line.card_busy": (
        "他のプログラムがカードを使用中です。",
        "Another program is using the card.",
    ),
    "line.no_card": (
        "読み取る前にカードが外されました。",
        "The card left before it could be read.",
    ),
    "line.other": ("内部エラーが発生しました。", "Internal error."),
    "action.missing": (
        "市区町村の窓口で利用者証明用電子証明書の発行を申請できます。",
        "The certificate can be issued at the municipal counter.",
    ),
    "action.expired": (
        "市区町村の窓口で電子証明書の更新 (再発行) を申請できます。",
        "The certificate can be renewed at the municipal counter.",
    ),
    "action.not_yet_valid": (
        "このパソコンの日付と時刻を確認してください。",
        "Check this computer's date and time.",
    ),
    "action.invalid": (
        "カードの故障か、証明書の偽造のおそれがあります。",
        "The card may be damaged or forged.",
    ),
    "action.untrusted": (
        "本物のマイナンバーカードか確認してください (テスト用カードではありませんか)。",
        "Check that this is a genuine My Number Card, not a test card.",
    ),
    "action.ca_unreadable": (
        "カードを取り出して、もう一度置いてください。続く場合はカードの故障のおそれがあります。",
        "Take the card out and put it back. If this repeats, the card may be damaged.",
    ),
    "action.not_mynumber_card": (
        "マイナンバーカードを、向きを確かめて置いてください。",
        "Put a My Number Card on the reader, the right way round.",
    ),
    "action.smartphone": (
        "マイナンバーカードそのものを置いてください。",
        "Put the My Number Card itself on the reader.",
    ),
    "action.unknown_card": (
        "マイナンバーカードを、向きを確かめて置いてください。",
        "Put a My Number Card on the reader, the right way round.",
    ),
    "action.token_juki_card": (
        "住基カードの証明書は終了しています。マイナンバーカードを置いてください。",
        "Its certificates ended years ago: put a My Number Card on the reader.",
    ),
    "action.retry": (
        "カードを取り出して、もう一度置いてください。",
        "Take the card out and put it back.",
    ),
    "expiry": ("有効期限 {date} (あと {days} 日)", "Expires {date} ({days} {days:day|days} left)"),
    "expired_on": (
        "有効期限 {date} ({days} 日前に期限切れ)",
        "Expired {date} ({days} {days:day|days} ago)",
    ),
    "expiry_date": ("有効期限 {date}", "Expires {date}"),
    "no_expiry": ("有効期限なし", "No expiry"),
    "valid_from": ("有効期間の開始 {date}", "Valid from {date}"),
    "renewal": (
        "更新の受付期間です。市区町村の窓口で更新できます。",
        "Renewal window open: renew at the municipal counter.",
    ),
    "simulated": ("(シミュレーション)", "(simulated)"),
    "waiting": (
        "カードを置いてください ... (終了は Ctrl-C)",
        "Insert a card ... (Ctrl-C to end)",
    ),
    "reading": ("読み取り中 ...", "Reading ..."),
    "remove": ("カードを取り出してください。", "Remove the card."),
    "no_reader": (
        "カードリーダーが見つかりません。接続されるのを待っています ...",
        "No card reader found. Waiting for one ...",
    ),
    "pcsc_unavailable": (
        "スマートカードサービス (PC/SC) に接続できません。待っています ...",
        "The smart card service (PC/SC) is not available. Waiting ...",
    ),
    "summary": ("この回の集計: {n} 件", "This session: {n} {n:check|checks}"),
    "summary.none": ("確認したカードはありません。", "No card was checked."),
    "tally_failed": (
        "集計に記録できませんでした: {reason}",
        "Could not record in the tally: {reason}",
    ),
    "logging": ("記録先: {path}", "Recording to {path}"),
}

# The tally report (mynacheck report).
TALLY: dict[str, tuple[str, str]] = {
    "title": ("利用者証明用電子証明書 集計", "User-authentication certificate tally"),
    "period": ("期間", "Period"),
    "period.all": ("全期間", "all"),
    "databases": ("集計ファイル", "Tallies"),
    "checks": ("確認回数", "Checks"),
    "cards": ("カード (重複なし)", "Cards (distinct)"),
    "header": ("判定", "Verdict"),
    # A verdict's own words in the report, where the counter's word would mislead.
    "status.smartphone": ("スマートフォンが提示された", "a phone was shown"),
    "renewal_open": ("更新受付期間中のカード", "Cards in the renewal window"),
    "without_certificate": (
        "証明書のない確認 {n} 件は、同じカードかどうか区別できないため回数だけ数えています。",
        "{n} {n:check|checks} without a certificate cannot be told apart: counted as "
        "{n:a check|checks} only.",
    ),
    "mixed_keys": (
        "注意: 集計ファイルごとに異なる鍵が使われています。同じカードが別々に数えられている可能性があります (共通の --key-file を使ってください)。",
        "warning: these tallies were written with different keys; one card may be counted "
        "more than once (use one shared --key-file).",
    ),
    "empty": ("この期間の記録はありません。", "No checks in this period."),
}


TALLY.update(
    {
        "title.day": (
            "利用者証明用電子証明書 集計 (日別)",
            "User-authentication certificate tally, by day",
        ),
        "title.week": (
            "利用者証明用電子証明書 集計 (週別)",
            "User-authentication certificate tally, by week",
        ),
        "title.month": (
            "利用者証明用電子証明書 集計 (月別)",
            "User-authentication certificate tally, by month",
        ),
        "title.tag": (
            "利用者証明用電子証明書 集計 (タグ別)",
            "User-authentication certificate tally, by tag",
        ),
        # a section of the report per group: the page's heading, the workbook's sheet
        "section.day": ("日別", "By day"),
        "section.week": ("週別", "By week"),
        "section.month": ("月別", "By month"),
        "section.tag": ("タグ別", "By tag"),
        "group.day": ("日", "Day"),
        "group.week": ("週 (月曜日)", "Week of"),
        "group.month": ("月", "Month"),
        "group.tag": ("タグ", "Tag"),
        "group.none": ("(タグなし)", "(no tag)"),
        "total": ("計", "Total"),
        "overall": ("期間全体", "Whole period"),
        "cards.per_group": (
            "カードは、確認したグループごとに、そのグループでの最新の確認で数えています。",
            "A card counts in every group where it was checked, by its latest check there.",
        ),
        "cards.latest": (
            "カードは 1 枚につき 1 回、期間内の最新の確認で、そのグループだけで数えています。",
            "Each card counts once, by its latest check in the period, in that check's group only.",
        ),
        "renewal_open.at": (
            "更新受付期間中のカード ({at} 時点)",
            "Cards in the renewal window on {at}",
        ),
        "forecast": (
            "有効期限を迎えるカード (月別、{at} から 12 か月、各カードの最新の確認で有効だった証明書)",
            "Valid certificates expiring per month (12 months from {at}, each card's latest check)",
        ),
        "forecast.month": ("月", "Month"),
        "chart.cumulative": (
            "有効な証明書を確認したカード (累計)",
            "Cards seen with a valid certificate (cumulative)",
        ),
        "chart.forecast": (
            "有効期限を迎えるカード (月別)",
            "Valid certificates expiring per month",
        ),
        "chart.cards": ("カード", "Cards"),
        "chart.none": ("データなし", "No data"),
        "chart.no_font": (
            "注意: 日本語のフォントが見つからないため、グラフは英語で描きました (IPAゴシックなどを入れてください)。",
            "warning: no Japanese font found; the chart is drawn in English.",
        ),
        "chart.written": ("グラフを {path} に書き出しました。", "Chart written to {path}."),
    }
)


# -- the report for a personnel office (issue 19): per section, said in the output --------
# One block, so that merges stay easy.

TALLY.update(
    {
        "renewal_open.at": (
            "更新受付期間中のカード (有効期限まで 3 か月以内、{at} 時点)",
            "Cards in the renewal window (expiring within 3 months) on {at}",
        ),
        "renewal_open.short": ("更新受付期間中", "In renewal window"),
        "renewal_open.within": (
            "有効期限まで {months} か月以内",
            "expiring within {months} months",
        ),
        "renewal_open.means": (
            "更新受付期間中のカード: 有効な証明書のうち、有効期限まで 3 か月以内のもの (今なら市区町村の窓口で更新できます)。",
            "Cards in the renewal window: valid certificates expiring within 3 months (they "
            "can be renewed at the municipal counter now).",
        ),
        "headline": (
            "有効な証明書を確認できたカード: {valid} 枚 (カードは {cards} 枚)",
            "Cards seen with a valid certificate: {valid} (of {cards} distinct cards)",
        ),
        "expired.mark": ("期限切れ *", "EXPIRED *"),
        "expired.note": (
            "* 期限切れのカードには、その後に更新された (新しい証明書に替わった) ものも含まれることがあります。証明書を更新すると別のカードとして数えるためです。",
            "* Expired cards may include certificates already replaced by a renewed one: a "
            "renewed certificate counts as another card.",
        ),
        "expired.label": (
            "期限切れ (更新済みの証明書を含むことがあります)",
            "EXPIRED (may include certificates already replaced)",
        ),
        "tags": ("対象のタグ", "Tags"),
        "per_group": (
            "グループ別の更新の見通し ({at} 時点。有効期限を迎えるカード、{first} から 12 か月)",
            "Renewal outlook per group (on {at}; valid certificates expiring, 12 months from {first})",
        ),
        "forecast.in": (
            "{month} に有効期限を迎えるカード",
            "Valid certificates expiring in {month}",
        ),
        "forecast.short": ("{m}月", "{name}"),
        "status_label": ("判定 (ことば)", "Verdict (words)"),
    }
)
