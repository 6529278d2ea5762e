"""The verdict: its headline, what to do next, and every reason code (ja, en)."""

from __future__ import annotations

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
    "smartphone": (
        "スマートフォン: これはスマートフォンの電子証明書 (スマホ用電子証明書) です。"
        "mynacheck が確認するのは、マイナンバーカードの利用者証明用電子証明書です。",
        "smartphone: this is a smartphone's certificate (スマホ用電子証明書); mynacheck "
        "checks the one on the My Number Card.",
    ),
    "unknown_card": (
        "不明なカード: 公的個人認証の機能に応答しますが、mynacheck の知っているマイナンバーカードであるとは答えません。",
        "unknown card: it answers as the JPKI application but does not say it is a My Number "
        "Card mynacheck knows.",
    ),
    # Said instead of the status's headline when this detail explains the verdict.
    "token_juki_card": (
        "マイナンバーカードではありません: 住民基本台帳カード (住基カード) です。",
        "not a My Number Card: this is an old Basic Resident Registration card (住基カード).",
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
        "暗証番号に間違いがないと確かな場合に限り、--allow-last-try を付けて実行するか、「入力を続けますか?」の問いに y と答えてください。"
        "確かでない場合は、市区町村の窓口で暗証番号を再設定してください。",
        'Only if you are sure of the PIN, run again with --allow-last-try or answer y to "Continue?". '
        "Otherwise have the PIN reset at your municipal counter.",
    ),
    "not_mynumber_card": (
        "マイナンバーカードを、向きを確かめてリーダーに置き直してください。",
        "Put a My Number Card in the reader, the right way round.",
    ),
    "smartphone": (
        "スマートフォンではなく、マイナンバーカードそのものをリーダーに置いてから、もう一度実行してください。"
        "暗証番号は求めておらず、スマートフォンにも送っていません。",
        "Hold the My Number Card itself to the reader, not the phone, and run again. "
        "No PIN was asked for or sent to the phone.",
    ),
    "unknown_card": (
        "マイナンバーカードであれば、向きを確かめてリーダーに置き直してください。"
        "新しい世代のマイナンバーカードであれば、mynacheck の新しい版が必要な場合があります。",
        "If this is a My Number Card, put it back on the reader the right way round. "
        "A newer generation of the card may need a newer mynacheck.",
    ),
    "token_juki_card": (
        "住基カードの電子証明書は、すべて何年も前に有効期限が過ぎています。住基カードに代わるのはマイナンバーカードです。"
        "マイナンバーカードをリーダーに置いてください。お持ちでない場合は、市区町村の窓口などで申請できます。",
        "The certificates of a 住基カード all expired years ago; the My Number Card replaces it. "
        "Put a My Number Card in the reader. If you have none, you can apply for one (at your "
        "municipal office, for example).",
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
        "カードに証明書のファイル (EF 000A) がありません。",
        "the certificate file (EF 000A) does not exist.",
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
        "公的個人認証サービスの機能 (JPKI AP) がありません。",
        "the card has no JPKI application.",
    ),
    "token_smartphone": (
        "カードの種類を示すラベル (EF 0006) はスマートフォンの電子証明書のものです。暗証番号は求めず、送っていません。",
        "the token label (EF 0006) is a smartphone's; no PIN was asked for or sent.",
    ),
    "token_juki_card": (
        "カードの種類を示すラベル (EF 0006) は住基カードのものです。",
        "the token label (EF 0006) is that of a 住基カード.",
    ),
    "token_unknown": (
        "カードの種類を示すラベル (EF 0006) は、mynacheck の知らないものです。",
        "the token label (EF 0006) is one mynacheck does not know.",
    ),
    "token_unreadable": (
        "カードの種類を示すラベル (EF 0006) を読み取れませんでした。",
        "the token label (EF 0006) could not be read.",
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
