"""Every sentence the window says that the command line does not, in Japanese and English.

Same shape as :mod:`mynacheck.present.messages`: ``key -> (ja, en)``, looked up
with :func:`~mynacheck.present.messages.text`. Texts avoid characters a
Japanese Windows (cp932) cannot show; a test checks it. Verdict words, headlines,
reason codes and labels come from ``messages``; only the window's own words are here.
"""

from __future__ import annotations

# Window titles, controls, and what each control is for (accessible names and
# descriptions: what a screen reader says).
GUI: dict[str, tuple[str, str]] = {
    "title.self_check": (
        "mynacheck - 利用者証明用電子証明書の確認",
        "mynacheck - user-authentication certificate check",
    ),
    "title.counter": ("mynacheck - 窓口モード", "mynacheck - counter mode"),
    "heading.self_check": ("利用者証明用電子証明書の確認", "Check your My Number Card"),
    "heading.counter": ("窓口モード (暗証番号なし)", "Counter mode (no PIN)"),
    "lang.label": ("表示言語", "Language"),
    "heading.description": (
        "この画面でできること。",
        "What this window is for.",
    ),
    "lang.name": ("表示言語", "Language"),
    "lang.description": (
        "画面の言語を日本語と英語で切り替えます。",
        "Switches the window between Japanese and English.",
    ),
    "reader.label": ("リーダー", "Reader"),
    "reader.none": ("(リーダーなし)", "(no reader)"),
    "reader.any": ("カードのあるリーダー (自動)", "The reader with a card (automatic)"),
    "reader.simulated": (
        "シミュレーション (本物のカードではありません)",
        "Simulation (not a real card)",
    ),
    "reader.name": ("カードリーダーの選択", "Card reader"),
    "reader.description": (
        "カードリーダーが複数あるときに、使うリーダーを選びます。",
        "Chooses which card reader to use when there are several.",
    ),
    "verdict.name": ("判定", "Verdict"),
    "verdict.description": (
        "確認の結果、またはいま何をしているか。",
        "The result of the check, or what is happening now.",
    ),
    "details.name": ("結果の詳細", "Details"),
    "details.description": (
        "有効期限、残り日数、更新の受付、暗証番号とカードの鍵、次にすること。",
        "Expiry, days left, renewal window, PIN and card key, and what to do next.",
    ),
    "details.empty": ("(詳細はまだありません)", "(no details yet)"),
    "instructions.name": ("案内", "Instructions"),
    "instructions.description": ("次に何をすればよいか。", "What to do now."),
    "tries.name": ("暗証番号の残り回数", "PIN tries left"),
    "tries.description": (
        "暗証番号を続けて間違えられる残りの回数。0 になるとロックされます。",
        "How many more wrong PINs the card accepts before it blocks the PIN.",
    ),
    "tries.value": (
        "暗証番号の残り回数: {tries} 回 (3 回続けて間違えるとロックされます)",
        "PIN tries left: {tries} (three wrong PINs in a row block it)",
    ),
    "tries.last": (
        "暗証番号の残り回数: 1 回 (次に間違えるとロックされます)",
        "PIN tries left: 1 (one more wrong PIN blocks it)",
    ),
    "tries.unknown": ("暗証番号の残り回数: 不明", "PIN tries left: unknown"),
    "pin.label": ("暗証番号 (数字 4 桁)", "PIN (4 digits)"),
    "pin.placeholder": ("数字 4 桁", "4 digits"),
    "pin.name": ("利用者証明用の暗証番号", "User-authentication PIN"),
    "pin.description": (
        "数字 4 桁を入力して Enter を押します。入力は伏せ字で表示され、カードにだけ送られます。",
        "Type the 4 digits and press Enter. The PIN is masked and goes only to the card.",
    ),
    "pin.shape": (
        "数字 4 桁を入力してください (まだカードには送っていません)。",
        "Enter 4 digits (nothing has been sent to the card).",
    ),
    "submit.text": ("確認する", "Check"),
    "submit.name": ("暗証番号を送って確認する", "Send the PIN and check"),
    "submit.description": (
        "暗証番号が数字 4 桁のときだけ押せます。",
        "Available only when the PIN is exactly 4 digits.",
    ),
    "cancel.text": ("中止", "Cancel"),
    "cancel.name": ("確認を中止する", "Cancel the check"),
    "cancel.description": (
        "読み取りや暗証番号の入力をやめます。カードは取り出して大丈夫になります。",
        "Stops reading or asking for the PIN; the card can then be taken out.",
    ),
    "again.text": ("もう一度確認する", "Check again"),
    "again.name": ("同じカードをもう一度確認する", "Check the same card again"),
    "again.description": (
        "入っているカードを最初から確認し直します。",
        "Checks the card in the reader again from the start.",
    ),
    # What the window is doing (the large line while there is no verdict).
    "state.waiting": ("カードを置いてください", "Insert your card"),
    "state.reading": ("読み取り中...", "Reading..."),
    "state.pin": ("暗証番号を入力してください", "Enter your PIN"),
    "state.last_try": ("暗証番号 残り 1 回", "Last PIN try"),
    "state.checking": ("確認中...", "Checking..."),
    "state.cancelled": ("中止しました", "Stopped"),
    "state.timeout": ("時間切れで中止しました", "Stopped: no input"),
    "state.no_reader": ("カードリーダーがありません", "No card reader"),
    "state.pcsc_unavailable": ("カードを読み取れない状態です", "Cards cannot be read right now"),
    "state.several_cards": ("カードが複数あります", "Several cards"),
    "state.no_such_reader": ("リーダーが見つかりません", "Reader not found"),
    "state.stopped": ("停止中", "Stopped"),
    # The line under it: what to do now.
    "do.waiting": (
        "マイナンバーカードをカードリーダーに差し込むか、置いてください。自動で読み取ります。",
        "Insert your My Number Card into the reader, or place it on the reader. "
        "It is read automatically.",
    ),
    "do.removed": (
        "カードが取り出されたので表示を消しました。次のカードを置いてください。",
        "The card was taken out, so the screen was cleared. Insert the next card.",
    ),
    "do.reading": (
        "カードを動かさずにお待ちください。",
        "Keep the card still for a moment.",
    ),
    "do.pin": (
        "証明書を読み取りました。カードの鍵が使えることを確かめるため、利用者証明用の暗証番号 "
        "(数字 4 桁) を入力してください。暗証番号はカードにだけ送られ、保存されません。",
        "The certificate has been read. To prove the card's key works, enter the "
        "user-authentication PIN (4 digits). It goes only to the card and is not kept.",
    ),
    "do.last_try": (
        "暗証番号はあと 1 回間違えるとロックされます。確かな場合だけ続けてください。",
        "One more wrong PIN blocks the card. Continue only if you are sure of the PIN.",
    ),
    "do.checking": (
        "カードで暗証番号と鍵を確認しています。カードを動かさないでください。",
        "The card is checking the PIN and its key. Keep the card still.",
    ),
    "do.cancelled": (
        "確認をやめました。カードは取り出して大丈夫です。確認し直すには「もう一度確認する」を"
        "押すか、カードを置き直してください。",
        "The check has stopped; you can take the card out. To check it, press Check again, "
        "or put the card back.",
    ),
    "do.timeout": (
        "{seconds} 秒間入力がなかったため、確認をやめました。カードは取り出して大丈夫です。"
        "確認し直すには「もう一度確認する」を押してください。",
        "Nothing was typed for {seconds} seconds, so the check has stopped; you can take the "
        "card out. Press Check again to start over.",
    ),
    "do.result": (
        "カードを取り出すと表示は消えます。",
        "The screen clears when the card is taken out.",
    ),
    "do.several_cards": (
        "カードの入ったリーダーが複数あります。上の一覧で使うリーダーを選んでください。",
        "Several readers hold a card. Choose the reader in the list above.",
    ),
    "do.no_such_reader": (
        "指定したリーダー '{selector}' がありません。接続されるのを待っています。",
        "No reader matches '{selector}'. Waiting for it to be connected.",
    ),
    "do.no_reader": (
        "カードリーダーを接続してください。接続されると自動で続けます。",
        "Connect a card reader. The window carries on by itself when one appears.",
    ),
    "do.pcsc_unavailable": (
        "パソコンのカード読み取りの機能が止まっています。カードリーダーを差し直すか、パソコンを"
        "再起動してください。直らない場合はヘルプデスクに連絡してください。"
        "使えるようになると自動で続けます。",
        "The computer's card service has stopped. Plug the card reader in again, or restart "
        "the computer; if that does not help, call your help desk. The window carries on by "
        "itself when it is back.",
    ),
    # The last-try confirmation.
    "confirm.title": ("暗証番号 残り 1 回", "Last PIN try"),
    "confirm.text": (
        "暗証番号の残り回数は 1 回です。間違えるとロックされ、市区町村の窓口での手続きが必要になります。",
        "One PIN try is left. A wrong PIN blocks it until it is reset at your municipal counter.",
    ),
    "confirm.question": (
        "暗証番号に確信がありますか? 「いいえ」で中止します。",
        "Are you sure of the PIN? No stops here.",
    ),
    "confirm.name": ("最後の 1 回の確認", "Confirm the last try"),
    "confirm.yes": ("はい、入力する", "Yes, enter the PIN"),
    "confirm.no": ("いいえ、中止する", "No, stop"),
    "confirm.yes.description": (
        "最後の 1 回を使って暗証番号を入力します。間違えるとロックされます。",
        "Uses the last try: you type the PIN next. A wrong PIN blocks it.",
    ),
    "confirm.no.description": (
        "何も送らずに中止します。残り回数は 1 回のままです。",
        "Stops without sending anything. The one try stays.",
    ),
    # The counter window.
    "counter.start": ("開始 (Space)", "Start (Space)"),
    "counter.stop": ("停止 (Space)", "Stop (Space)"),
    "counter.toggle.name": ("窓口モードの開始と停止", "Start or stop counter mode"),
    "counter.toggle.description": (
        "Space キーでも開始と停止ができます。停止すると集計を表示します。",
        "Space also starts and stops. Stopping shows the session summary.",
    ),
    "counter.count": ("この回: {n} 件", "This session: {n}"),
    "counter.count.name": ("この回の確認件数", "Checks this session"),
    "counter.count.description": (
        "開始してから確認したカードの件数と、判定ごとの内訳。",
        "Cards checked since start, by verdict.",
    ),
    "counter.keys": ("Space: 開始/停止   F11: 全画面", "Space: start/stop   F11: full screen"),
    "counter.waiting": ("カードを置いてください", "Insert a card"),
    "counter.press_start": (
        "Space キーか「開始」で始めます。",
        "Press Space or Start to begin.",
    ),
    "simulated": ("シミュレーションのカード", "simulated card"),
    # The diagnostic log (Ctrl+Shift+L, the window's context menu).
    "diagnostics.save": ("診断ログを保存… (Ctrl+Shift+L)", "Save a diagnostic log… (Ctrl+Shift+L)"),
    "diagnostics.not_saved": (
        "診断ログを {path} に保存できませんでした: {reason}",
        "The diagnostic log was not saved to {path}: {reason}",
    ),
    # mynacheck-gui itself.
    "app.no_pyside": (
        '画面版には PySide6 が必要です: pip install "mynacheck[gui]" '
        "(コマンドの mynacheck はこのままで使えます)",
        'the window needs PySide6: pip install "mynacheck[gui]" '
        "(the mynacheck command works without it)",
    ),
    "app.bad_option": ("オプションが正しくありません: {problem}", "bad option: {problem}"),
    "app.no_display": (
        "画面を開けません (ディスプレイがありません)。",
        "cannot open a window (no display).",
    ),
}

# Next steps that the command line words for a terminal ("run again", "--wait").
NEXT_STEPS_GUI: dict[str, tuple[str, str]] = {
    "pin_incorrect": (
        "正しい暗証番号を確かめてから「もう一度確認する」を押してください。"
        "3 回続けて間違えるとロックされます。忘れた場合は市区町村の窓口で再設定できます。",
        "Make sure of the PIN, then press Check again. Three wrong PINs in a row block it. "
        "If you forgot it, it can be reset at your municipal counter.",
    ),
    "pin_last_try": (
        "暗証番号に確信がある場合だけ、「もう一度確認する」を押して確認画面で「はい」を選んでください。"
        "確かでなければ市区町村の窓口で暗証番号を再設定してください。",
        "Only if you are sure of the PIN, press Check again and answer Yes. "
        "Otherwise have the PIN reset at your municipal counter.",
    ),
    "card_error": (
        "カードを取り出して、もう一度置いてください。",
        "Take the card out and put it back.",
    ),
    "smartphone": (
        "スマートフォンをリーダーから離して、マイナンバーカードそのものを置いてください。自動で読み取ります。"
        "暗証番号は求めておらず、スマートフォンにも送っていません。",
        "Take the phone off the reader and put the My Number Card itself there; it is read "
        "automatically. No PIN was asked for or sent to the phone.",
    ),
    "unknown_card": (
        "マイナンバーカードであれば、取り出して向きを確かめて置き直してください。"
        "新しい世代のカードには、mynacheck の新しい版が必要な場合があります。",
        "If this is a My Number Card, take it out and put it back the right way round. A "
        "newer generation of the card may need a newer mynacheck.",
    ),
    "card_busy": (
        "JPKI 利用者ソフトやブラウザーなど、カードを使っている他のプログラムを終了してください。"
        "終わると自動で確認します。",
        "Close the other program using the card (JPKI利用者ソフト, a browser). "
        "The check starts by itself when the card is free.",
    ),
    "internal_error": (
        "カードを置き直して「もう一度確認する」を押してください。続く場合は、Ctrl+Shift+L "
        "(右クリックのメニューにもあります) で診断ログを保存し、ヘルプデスクに送ってください。",
        "Put the card back and press Check again. If it persists, save a diagnostic log "
        "with Ctrl+Shift+L (also in the right-click menu) and send it to your help desk.",
    ),
    "untrusted": (
        "本物のマイナンバーカードであれば、市区町村の窓口に相談してください。"
        "試験用のカードの場合は、このパソコンの管理者に相談してください。",
        "If this is a genuine My Number Card, take it to your municipal counter; with a test "
        "card, ask whoever looks after this computer.",
    ),
    "trust_simulator_root": (
        "シミュレーション用の証明書です。本物のカードでこの表示が出た場合、そのカードは"
        "本物のマイナンバーカードではありません。",
        "This is the simulator's certificate. A real card showing this is not a genuine My "
        "Number Card.",
    ),
    "no_card": (
        "マイナンバーカードをリーダーに差し込むか、置いてください。",
        "Insert the My Number Card into the reader, or place it on the reader.",
    ),
    "pcsc_unavailable": (
        "カードリーダーを差し直すか、パソコンを再起動してください。直らない場合はヘルプデスクに"
        "連絡してください。",
        "Plug the card reader in again, or restart the computer; if that does not help, call "
        "your help desk.",
    ),
}

# Notes (reason codes) that the command line words with file names and codes.
DETAILS_GUI: dict[str, tuple[str, str]] = {
    "cert_file_not_found": (
        "カードに利用者証明用電子証明書が入っていません。",
        "The card holds no user-authentication certificate.",
    ),
    "ca_unreadable": (
        "カードから発行元の証明書を読み取れませんでした。",
        "The issuer's certificate on the card could not be read.",
    ),
    "jpki_ap_not_found": (
        "このカードには公的個人認証サービスの機能がありません。",
        "This card has no public personal authentication (JPKI) function.",
    ),
    "token_smartphone": (
        "スマートフォンの電子証明書です。暗証番号は求めず、送っていません。",
        "This is a smartphone's certificate; no PIN was asked for or sent.",
    ),
    "token_juki_card": (
        "住基カードです。",
        "This is a 住基カード (Basic Resident Registration card).",
    ),
    "token_unknown": (
        "カードの種類が mynacheck の知らないものです。",
        "mynacheck does not know this kind of card.",
    ),
    "token_unreadable": (
        "カードの種類を読み取れませんでした。",
        "The kind of card could not be read.",
    ),
    "chain_not_checked": (
        "署名と発行元は確認していません。",
        "The signature and the issuer were not checked.",
    ),
    "interrupted": ("確認を中止しました。", "The check was stopped."),
    "extended_apdu_unsupported": (
        "このリーダーは長いデータを一度に送れないため、分けて読み取りました。",
        "This reader cannot send long data at once, so it was read in parts.",
    ),
}
