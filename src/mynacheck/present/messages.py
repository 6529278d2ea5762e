"""Every sentence the tool says, in Japanese and English.

Keys are status values, detail codes, and usage-error keys. Texts avoid
characters that a Windows console (cp932) cannot show; a test checks it.
"""

from __future__ import annotations

import os
import string
import sys
from typing import Any, Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


def checked_lang(value: str) -> Lang:
    """``value`` as a :data:`Lang`; ValueError for anything but "ja" and "en"."""
    if value == "ja":
        return "ja"
    if value == "en":
        return "en"
    raise ValueError(f"unknown language {value!r}: use 'ja' or 'en'")


# Headline: the verdict in one line.
HEADLINES: dict[str, tuple[str, str]] = {
    "valid": (
        "有効: 利用者証明用電子証明書は使えます。",
        "valid: the user-authentication certificate works.",
    ),
    "missing": (
        "証明書なし: このカードに利用者証明用電子証明書は入っていません。",
        "missing: this card holds no user-authentication certificate.",
    ),
    "expired": (
        "期限切れ: 利用者証明用電子証明書の有効期限が過ぎています。",
        "expired: the user-authentication certificate has expired.",
    ),
    "not_yet_valid": (
        "有効期間前: 利用者証明用電子証明書の有効期間がまだ始まっていません。",
        "not yet valid: the certificate's validity period has not started.",
    ),
    "invalid": (
        "不正: 利用者証明用電子証明書が正しくありません (証明書の署名を確認できないか、カード内の鍵が証明書と対応していません)。",
        "invalid: the user-authentication certificate failed verification (its signature, "
        "or the card's key, does not match).",
    ),
    "untrusted": (
        "発行元不明: 地方公共団体情報システム機構 (J-LIS) が発行した証明書と確認できませんでした。",
        "untrusted: the certificate could not be traced to a trusted issuer (J-LIS).",
    ),
    "pin_incorrect": (
        "暗証番号が違います (残り {tries} 回)。",
        "PIN incorrect ({tries} {tries:try|tries} left).",
    ),
    "pin_blocked": (
        "暗証番号がロックされています。",
        "the PIN is blocked.",
    ),
    "pin_last_try": (
        "中止しました: 暗証番号の残り回数が 1 回のため、暗証番号をカードに送っていません (次に間違えるとロックされます)。",
        "stopped: one more wrong PIN would block the card.",
    ),
    "not_mynumber_card": (
        "マイナンバーカードではありません (公的個人認証サービスの機能がありません)。",
        "not a My Number Card (the JPKI application is not on this card).",
    ),
    "no_card": ("カードリーダーにカードがありません。", "no card in the reader."),
    "no_reader": ("カードリーダーが見つかりません。", "no card reader found."),
    "pcsc_unavailable": (
        "スマートカードサービス (PC/SC) に接続できません。",
        "the smart card service (PC/SC) is not available.",
    ),
    "card_error": ("カードとの通信に失敗しました。", "communication with the card failed."),
    "card_busy": (
        "他のプログラムがカードを使用中です。",
        "another program is using the card.",
    ),
    "internal_error": ("内部エラーが発生しました。", "internal error."),
    "usage_error": ("使い方が正しくありません。", "usage error."),
}

# What to do next, for every verdict but valid.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    "missing": (
        "住民票のある市区町村の窓口で、利用者証明用電子証明書の発行を申請してください。"
        "マイナンバーカードを持参し、4 桁の暗証番号を設定します。",
        "Apply for the certificate at the counter of the municipality where you are registered. "
        "Bring the My Number Card; you will set a 4-digit PIN.",
    ),
    "expired": (
        "住民票のある市区町村の窓口で電子証明書の更新 (再発行) を申請してください。"
        "マイナンバーカードを持参し、暗証番号を設定し直します。",
        "Renew (re-issue) the certificate at your municipal counter. Bring the My Number Card; "
        "you will set the PIN again.",
    ),
    "not_yet_valid": (
        "パソコンの日付と時刻を確認してください。正しい場合は市区町村の窓口に相談してください。",
        "Check this computer's date and time. If they are right, ask your municipal counter.",
    ),
    "invalid": (
        "カードの故障か、証明書の偽造のおそれがあります。マイナンバーカードを持って、住民票のある市区町村の窓口に相談してください。",
        "The card or its certificate is damaged or forged. Take the card to your municipal counter.",
    ),
    "untrusted": (
        "本物のマイナンバーカードであれば、住民票のある市区町村の窓口に相談してください。"
        "テスト用カードや独自のルート証明書で試験している場合は、そのルート証明書を --trust-anchor で指定するか anchors フォルダーに置いてください。",
        "If this is a genuine My Number Card, take it to your municipal counter. When testing "
        "with a test card or your own root, give that root with --trust-anchor or put it in the "
        "anchors folder.",
    ),
    "pin_incorrect": (
        "正しい暗証番号を確かめてから、もう一度実行してください。"
        "3 回続けて間違えるとロックされます。忘れた場合は市区町村の窓口で再設定できます。",
        "Make sure of the PIN and run again. Three wrong PINs in a row block it. "
        "If you forgot it, it can be reset at your municipal counter.",
    ),
    "pin_blocked": (
        "住民票のある市区町村の窓口で暗証番号の初期化 (ロック解除) を申請してください。"
        "マイナンバーカードを持参してください (スマートフォンのアプリとコンビニのキオスク端末で再設定できる場合もあります)。",
        "Have the PIN reset at your municipal counter; bring the My Number Card "
        "(some convenience-store kiosks can also do it with a smartphone app).",
    ),
    "pin_last_try": (
        "暗証番号に間違いがないと確かな場合に限り、--allow-last-try を付けて実行するか、確認の画面で「はい」を選んでください。"
        "確かでない場合は、市区町村の窓口で暗証番号を再設定してください。",
        "Only if you are sure of the PIN, run again with --allow-last-try or confirm at the prompt. "
        "Otherwise have the PIN reset at your municipal counter.",
    ),
    "not_mynumber_card": (
        "マイナンバーカードを、向きを確かめてリーダーに置き直してください。",
        "Put a My Number Card in the reader, the right way round.",
    ),
    "no_card": (
        "マイナンバーカードをリーダーに差し込むか置いてから、もう一度実行してください (--wait 秒数 を付けると、カードが置かれるまで待ちます)。",
        "Insert the My Number Card (or place it on the reader), or use --wait SECONDS.",
    ),
    "no_reader": (
        "カードリーダーを接続し、ドライバーが入っていることを確認してください。",
        "Connect a card reader and make sure its driver is installed.",
    ),
    "pcsc_unavailable": (
        "Linux では pcscd を起動してください (sudo systemctl start pcscd)。"
        "Windows では Smart Card サービスを確認してください。",
        "On Linux start pcscd (sudo systemctl start pcscd). "
        "On Windows check the Smart Card service.",
    ),
    "card_error": (
        "カードを差し直して、もう一度実行してください。",
        "Re-insert the card and run again.",
    ),
    "card_busy": (
        "JPKI 利用者ソフトなど、カードを使っている他のプログラムを終了してから実行してください。",
        "Close other programs using the card (JPKI利用者ソフト, for example) and run again.",
    ),
    "internal_error": (
        "--verbose を付けてもう一度実行し、表示された内容を添えて報告してください。",
        "Run again with --verbose and report what it prints.",
    ),
    # Said instead of the status's step when one of these details explains the verdict.
    "ca_unreadable": (
        "カードを差し直して、もう一度確認してください。何度やっても発行元の証明書を読み取れない場合は、"
        "カードが傷んでいるおそれがあります。マイナンバーカードを持って市区町村の窓口に相談してください。",
        "Re-insert the card and check again. If the CA certificate still cannot be read, the "
        "card may be damaged: take it to your municipal counter.",
    ),
    "trust_test_card": (
        "JPKI のテスト用カードです。本物のマイナンバーカードで確認してください。",
        "This is a JPKI test card. Check a genuine My Number Card instead.",
    ),
    "trust_simulator_root": (
        "仮想リーダーに出したシミュレーションのカードで試している場合は、mynacheck パッケージ内の "
        "simcard/data/simulator-root.pem (ソースでは src/mynacheck/simcard/data/) を --trust-anchor で指定してください。"
        "それ以外のカードでこの表示が出た場合、そのカードは本物のマイナンバーカードではありません。",
        "When trying the simulated card behind a virtual reader, give simcard/data/"
        "simulator-root.pem from the mynacheck package (in a source tree: src/mynacheck/simcard/"
        "data/) with --trust-anchor. Any other card showing this is not a genuine My Number Card.",
    ),
}

DETAILS: dict[str, tuple[str, str]] = {
    "tally_not_written": (
        "集計ファイルに記録できませんでした。",
        "the check was not written to the tally.",
    ),
    "cert_file_not_found": (
        "カードに利用者証明用電子証明書のファイルがありません (6A82)。",
        "the certificate file does not exist (6A82).",
    ),
    "cert_file_access_denied": (
        "カードが証明書ファイルの読み取りを受け付けません。",
        "the card refuses to read the certificate file.",
    ),
    "cert_file_empty": ("証明書ファイルが空です。", "the certificate file is empty."),
    "cert_blank_ff": (
        "証明書ファイルに何も書き込まれていません (すべて FF)。",
        "the certificate file is blank (all FF).",
    ),
    "cert_blank_00": (
        "証明書ファイルに何も書き込まれていません (すべて 00)。",
        "the certificate file is blank (all 00).",
    ),
    "cert_not_der": (
        "証明書ファイルの中身が証明書の形式ではありません。",
        "the file does not hold a certificate.",
    ),
    "cert_length_mismatch": (
        "証明書の長さがファイルの大きさと合いません。",
        "the certificate's length does not fit the file.",
    ),
    "cert_unparseable": (
        "証明書の内容を読み取れません (形式が正しくありません)。",
        "the certificate cannot be parsed.",
    ),
    "ca_unreadable": (
        "カードから発行元の証明書 (EF 000B) を読み取れませんでした。",
        "the CA certificate (EF 000B) is unreadable.",
    ),
    "ca_unparseable": (
        "発行元の証明書の内容を読み取れません (形式が正しくありません)。",
        "the CA certificate cannot be parsed.",
    ),
    "issuer_mismatch": (
        "証明書に記載された発行元が、カード内の発行元の証明書と一致しません。",
        "the certificate's issuer name does not match the CA certificate.",
    ),
    "signature_invalid": (
        "証明書の署名が、発行元の鍵で作られたものと確認できません (偽造または破損のおそれ)。",
        "the certificate's signature does not verify with the CA's key (forged or damaged).",
    ),
    "key_mismatch": (
        "カード内の鍵が証明書と対応していません (カードの署名が証明書と合いませんでした)。",
        "the card's key does not match its certificate.",
    ),
    "key_proof_failed": (
        "暗証番号の確認後、カードが署名の処理を受け付けませんでした。",
        "the card refused to sign after the PIN was verified.",
    ),
    "key_algorithm_unsupported": (
        "証明書の鍵が RSA 方式ではないため、カード内の鍵は確認していません。",
        "the certificate's key is not RSA: the card's key was not proven.",
    ),
    "jpki_ap_not_found": (
        "公的個人認証サービスの機能 (JPKI AP) がありません (6A82)。",
        "the card has no JPKI application (6A82).",
    ),
    "chain_not_checked": (
        "--ca の指定がないため、署名と発行元は確認していません。",
        "signature and issuer were not checked (no --ca).",
    ),
    "trust_test_card": (
        "JPKI のテスト用カードの証明書です (本物のマイナンバーカードではありません)。",
        "this is a JPKI test card (not a genuine My Number Card).",
    ),
    "trust_unknown_root": (
        "発行元のルート証明書が、J-LIS のルート証明書 (SHA-256 値で照合) とも、指定されたルート証明書とも一致しません。",
        "the issuing root is neither a J-LIS root (compared by SHA-256) nor a root you trust.",
    ),
    "trust_simulator_root": (
        "発行元は mynacheck のシミュレーター用ルート証明書です (実物のカードでは信頼しません)。",
        "the issuer is mynacheck's simulator root (not trusted for a real card).",
    ),
    "renewal_open": (
        "更新の受付期間に入っています (有効期限の 3 か月前から市区町村の窓口で更新できます)。",
        "the renewal window is open (renew at your municipal counter from 3 months before expiry).",
    ),
    "pin_not_checked": ("暗証番号は確認していません。", "the PIN was not checked."),
    "pin_skipped_certificate_not_valid": (
        "証明書が有効でないため、暗証番号は確認していません。",
        "the PIN was not asked: the certificate is not valid.",
    ),
    "pin_already_verified": (
        "暗証番号はすでに別のプログラムで確認済みでした (残り回数は分かりません)。",
        "the PIN had already been verified by another program (tries left unknown).",
    ),
    "pin_tries_unknown": ("暗証番号の残り回数は分かりません。", "tries left unknown."),
    "pin_tries_unreadable": (
        "カードが暗証番号の残り回数を答えなかったため、暗証番号は送っていません (残り回数は減っていません)。",
        "the card did not say how many PIN tries are left, so no PIN was sent (no try was used).",
    ),
    "key_not_proven": ("カード内の鍵は確認していません。", "the card's key was not proven."),
    "card_removed": ("読み取り中にカードが外されました。", "the card was removed during the read."),
    "card_unresponsive": ("カードが応答しません。", "the card does not answer."),
    "unexpected_status_word": (
        "カードが想定外の応答をしました。",
        "the card gave an unexpected answer.",
    ),
    "malformed_response": (
        "カードからの応答が正しい形ではありません。",
        "the card's answer is malformed.",
    ),
    "contactless_reader": (
        "非接触リーダーでは、読み取りが終わるまでカードを動かさないでください。",
        "on a contactless reader, keep the card still until the check ends.",
    ),
    "extended_apdu_unsupported": (
        "このリーダーは長いコマンド (拡張長 APDU) に対応していないため、分けて読み取りました。",
        "this reader refuses extended-length APDUs (read with short APDUs).",
    ),
    "simulated": ("実物ではなく、シミュレーションのカードです。", "simulated card."),
    "revocation_not_checked": (
        "証明書が失効しているかどうかは確認していません。",
        "revocation not checked.",
    ),
    "transcript_mismatch": (
        "記録ファイルにないコマンドを送ろうとしました。",
        "the check sent a command the transcript does not hold.",
    ),
    "interrupted": ("中断しました。", "interrupted (Ctrl-C)."),
    "transcript_leftover": (
        "記録ファイルに、使われなかったやり取りが残っています。",
        "the transcript holds exchanges the check never made.",
    ),
}

USAGE: dict[str, tuple[str, str]] = {
    "pin_empty": ("暗証番号が入力されませんでした。", "no PIN was given."),
    "pin_wrong_length": (
        "暗証番号は {min} 桁の数字です (カードには送っていません)。",
        "the PIN is {min} digits (nothing was sent to the card).",
    ),
    "pin_bad_characters": (
        "暗証番号に数字以外の文字があります (カードには送っていません)。",
        "the PIN has characters that are not digits (nothing was sent to the card).",
    ),
    "pin_options_conflict": (
        "--pin-stdin と --no-pin は同時に使えません。",
        "--pin-stdin and --no-pin cannot be used together.",
    ),
    "pin_source_needed": (
        "暗証番号を尋ねる画面を出せません (標準入力が端末ではありません)。--pin-stdin (暗証番号を標準入力から読む) か --no-pin を指定してください。",
        "standard input is not a terminal: give --pin-stdin (PIN on standard input) or --no-pin.",
    ),
    "several_cards": (
        "カードの入ったリーダーが複数あります。--reader で選んでください: {readers}",
        "several readers hold a card; choose one with --reader: {readers}",
    ),
    "no_such_reader": (
        "'{selector}' に当てはまるリーダーがありません。接続中のリーダー: {readers}",
        "no reader matches '{selector}'. Readers: {readers}",
    ),
    "file_unreadable": ("ファイル {path} を読めません: {reason}", "cannot read {path}: {reason}"),
    "file_unwritable": ("{path} に書き込めません。", "cannot write {path}."),
    "not_a_certificate": ("{path} は証明書ではありません。", "{path} is not a certificate."),
    "bad_date": (
        "日時 '{value}' を解釈できません (例: 2026-04-01 や 2026-04-01T09:00)。",
        "cannot read the date '{value}' (e.g. 2026-04-01 or 2026-04-01T09:00).",
    ),
    "unknown_scenario": (
        "シナリオ '{name}' はありません。--simulate list で一覧を表示します。",
        "no scenario '{name}'. --simulate list shows them.",
    ),
    "bad_transcript": (
        "記録ファイルを読めません: {reason}",
        "cannot read the transcript: {reason}",
    ),
    "source_conflict": (
        "--simulate、--replay、--reader は、どれか一つだけ指定してください。",
        "give only one of --simulate, --replay, --reader.",
    ),
}

# Files and paths the user hands us (userfiles.py).
USAGE.update(
    {
        "file_too_large": (
            "{path} は大きすぎます ({limit} まで)。指定したファイルが正しいか確認してください。",
            "{path} is too large (at most {limit}): is it the right file?",
        ),
        "not_a_regular_file": (
            "{path} は通常のファイルではありません (フォルダー、パイプ、デバイスなど)。",
            "{path} is not a regular file (it is a folder, a pipe or a device).",
        ),
        "record_symlink": (
            "{path} はシンボリックリンクです。記録はリンクの先には書きません。リンクではないファイル名を指定してください。",
            "{path} is a symbolic link; a transcript is never written through one. "
            "Give a plain file name.",
        ),
        "record_not_transcript": (
            "{path} は既にあり、mynacheck の記録ファイルではないため上書きしません。新しいファイル名を指定してください。",
            "{path} exists and is not a mynacheck transcript, so it is not overwritten. "
            "Give a new file name.",
        ),
        "record_unwritable": (
            "記録を {path} に書き込めません: {reason}",
            "cannot write the transcript to {path}: {reason}",
        ),
    }
)

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
}


def text(table: dict[str, tuple[str, str]], key: str, lang: Lang, **values: Any) -> str:
    """The ``lang`` text for ``key``, filled in; the key itself if unknown (never crashes)."""
    pair = table.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "ja" else pair[1]
    try:
        return _FORMATTER.format(template, **values)
    except (KeyError, IndexError, ValueError):
        return template


class _PluralFormatter(string.Formatter):
    """``{n:check|checks}`` picks the singular for 1 and the plural otherwise, so
    English never says "1 tries left"; every other field formats as usual."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            singular, plural = format_spec.split("|", 1)
            return singular if value == 1 else plural
        return str(super().format_field(value, format_spec))


_FORMATTER = _PluralFormatter()


def usage_text(key: str, lang: Lang, info: dict[str, Any]) -> str:
    """A usage error's message, lists in ``info`` (reader names, ...) joined."""
    flat = {
        k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in info.items()
    }
    return text(USAGE, key, lang, **flat)


def detect_language(environ: dict[str, str] | None = None) -> Lang:
    """Japanese when the locale or Windows UI language is Japanese or unknown, else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            if code in ("c", "posix", ""):
                continue
            return "ja" if code == "ja" else "en"
    if sys.platform == "win32" and environ is None:
        try:
            import ctypes

            lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return "ja"
        return "ja" if lang_id & 0x3FF == 0x11 else "en"
    return "ja"


# -- watch (counter mode) and the tally (issue 5) ------------------------------------

USAGE.update(
    {
        "tally_not_found": (
            "集計ファイル {path} がありません (watch --log か check --log で作られます)。",
            "no tally at {path} (watch --log or check --log creates one).",
        ),
        "tally_unreadable": (
            "集計ファイル {path} を開けません: {reason}",
            "cannot open the tally {path}: {reason}",
        ),
        "tally_write_failed": (
            "集計ファイル {path} に書き込めません: {reason}",
            "cannot write the tally {path}: {reason}",
        ),
        "tally_key_unreadable": (
            "集計の鍵ファイル {path} を読めません: {reason}",
            "cannot read the tally key file {path}: {reason}",
        ),
        "tally_key_mismatch": (
            "集計ファイル {path} は別の鍵で記録されています。最初に使った鍵ファイルを --key-file で指定するか、別の集計ファイルを使ってください。",
            "the tally {path} was written with another key. Give the key file it was started "
            "with (--key-file), or use another tally file.",
        ),
        "report_format_conflict": (
            "--json と --csv は同時に使えません。",
            "--json and --csv cannot be used together.",
        ),
    }
)

# Counter mode: the short verdict word, one line, and what to do.
WATCH: dict[str, tuple[str, str]] = {
    "word.valid": ("有効", "VALID"),
    "word.missing": ("証明書なし", "MISSING"),
    "word.expired": ("期限切れ", "EXPIRED"),
    "word.not_yet_valid": ("有効期間前", "NOT YET VALID"),
    "word.invalid": ("不正", "INVALID"),
    "word.untrusted": ("発行元不明", "UNTRUSTED"),
    "word.not_mynumber_card": ("対象外のカード", "NOT A MY NUMBER CARD"),
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

# -- the report grown up (issue 12) and the tally's own checks (issue 9) ---------------
# One block, so that merges stay easy.

USAGE.update(
    {
        "tally_not_a_tally": (
            "{path} は mynacheck の集計ファイルではありません (ファイルには何もしていません)。",
            "{path} is not a mynacheck tally (it was left as it was).",
        ),
        "tally_newer_schema": (
            "集計ファイル {path} は新しい版の mynacheck で作られています (形式 {version})。mynacheck を更新してください。",
            "the tally {path} was written by a newer mynacheck (format {version}); update mynacheck.",
        ),
        "tally_bad_row": (
            "集計ファイル {path} の {row} 行目を読めません (ファイルが壊れているか、書き換えられています)。",
            "the tally {path} has a row it cannot read (row {row}): the file is damaged or was edited.",
        ),
        "tally_key_missing": (
            "集計ファイル {path} を作ったときの鍵ファイルが {key_file} にありません。最初に使った鍵ファイルを --key-file で指定してください (新しい鍵は作っていません)。",
            "the key file the tally {path} was started with is not at {key_file}: give it with "
            "--key-file (no new key was made).",
        ),
        "tally_folder_missing": (
            "フォルダー {folder} がありません ({path} は作っていません)。",
            "the folder {folder} does not exist ({path} was not created).",
        ),
        "tally_key_exposed": (
            "注意: 集計の鍵ファイル {path} を他の利用者も読めます (モード {mode})。鍵とカードがあれば、そのカードが集計にあるか分かってしまいます。所有者だけが読めるようにしてください (chmod 600)。",
            "warning: other users can read the tally key file {path} (mode {mode}); with the "
            "key and a card, anyone can tell whether that card is in the tally. Make it "
            "readable by its owner only (chmod 600).",
        ),
        "bad_tag": (
            "--tag は 1 から {max} 文字で、制御文字を含まない文字列にしてください ({length} 文字でした)。人の名前は使わないでください。",
            "--tag takes 1 to {max} characters, no control characters (it had {length}). "
            "Never use a person's name.",
        ),
        "report_period_reversed": (
            "--from {start} が --to {end} より後です。",
            "--from {start} is after --to {end}.",
        ),
        "chart_needs_matplotlib": (
            "--chart には matplotlib が必要です: pip install 'mynacheck[chart]'",
            "--chart needs matplotlib: pip install 'mynacheck[chart]'",
        ),
        "chart_bad_suffix": (
            "--chart のファイル名は .png か .svg で終えてください: {path}",
            "the --chart file name must end in .png or .svg: {path}",
        ),
        "chart_not_replaced": (
            "{path} は画像ではないため上書きしません。別のファイル名を指定してください。",
            "{path} is not a chart picture: it was not overwritten. Give another file name.",
        ),
        "chart_write_failed": (
            "グラフを {path} に書き込めません: {reason}",
            "cannot write the chart {path}: {reason}",
        ),
    }
)


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
