"""``--help`` in Japanese: each command's description and each option's line.

The English is click's own (the commands' docstrings and ``help=``). Keys:
``command:PATH`` (the description), ``short:PATH`` (the line in a command list),
``PATH --option`` for an option whose meaning depends on the command, else
``--option``; PATH as click shows it (``mynacheck check``, ``mynacheck tally push``).
tests/test_plain_messages.py checks that every command and option has its line.
"""

from __future__ import annotations

HELP_JA: dict[str, str] = {
    # The headings click prints.
    "heading.usage": "使い方: ",
    "heading.options": "オプション",
    "heading.commands": "コマンド",
    # Commands.
    "command:mynacheck": "このマイナンバーカードの利用者証明用電子証明書は使えるか、を確かめます。",
    "command:mynacheck check": "カードの利用者証明用電子証明書を確かめます (--no-pin を付けなければ暗証番号も)。",
    "short:mynacheck check": "カードの証明書 (と暗証番号) を確かめる。",
    "command:mynacheck inspect": "証明書のファイルを、check と同じように評価します (--ca がなければ発行元は確かめません)。",
    "short:mynacheck inspect": "証明書のファイルを評価する。",
    "command:mynacheck pin-status": "カードのすべての暗証番号の残り回数を表示します (回数は減りません)。",
    "short:mynacheck pin-status": "すべての暗証番号の残り回数 (減らさない)。",
    "command:mynacheck readers": "カードリーダーの一覧: 番号、名前、カードの有無、マイナンバーカードかどうか。",
    "short:mynacheck readers": "リーダーとカードの一覧。",
    "command:mynacheck report": (
        "集計ファイルから数えます: 判定ごとの確認件数とカードの枚数 (--by で日・週・月・タグごと)、"
        "更新受付期間中のカード、今後 12 か月に有効期限を迎える有効な証明書の数。"
        "--tag で部署などに絞ります。--csv FILE.csv、--xlsx、--html で Excel やブラウザー用のファイルも"
        "書きます (集計は標準出力にも出ます)。DB を指定しなければ既定の集計ファイル (--log default の"
        "もの) を読みます。集計サーバー (postgresql://... か service=名前) はサーバーで数えます。"
        "パスワードはコマンドラインに書かず、~/.pgpass (PGPASSFILE) か入力で渡します。"
    ),
    "short:mynacheck report": "集計: 判定・グループ・更新月ごとのカード。",
    "command:mynacheck tally": (
        "窓口どうしで共有する PostgreSQL サーバーの集計 (README「The server tally」): "
        "サーバーの準備と、SQLite の集計ファイルの送信。"
    ),
    "short:mynacheck tally": "共有のサーバー集計: init-server、push。",
    "command:mynacheck tally init-server": (
        "PostgreSQL のデータベースを集計用に準備する SQL を表示します (テーブルと、行を足すだけの "
        "mynacheck_counter、読むだけの mynacheck_report のロール)。--apply を付けると、URI に"
        "接続したロール (テーブルの所有者) で実行します。新しい版の mynacheck で実行し直すと、"
        "サーバーを新しい形式にします (所有者だけ)。"
    ),
    "short:mynacheck tally init-server": "サーバーの SQL: 表示するか、--apply で実行する。",
    "command:mynacheck tally push": (
        "SQLite の集計ファイル (以前の --log のファイル、窓口の送信待ちファイル) をサーバーの集計に"
        "送ります。行はそれぞれの識別子を保つので、すでにある行は二重に入らず、二度送っても問題"
        "ありません。送る前にすべてのファイルを確かめます。"
    ),
    "short:mynacheck tally push": "SQLite の集計ファイルをサーバーへ送る。",
    "command:mynacheck watch": (
        "窓口モード: 暗証番号なしで、カードを次々に確かめます。Ctrl-C で終わり、集計を表示します。"
        "判定を大きく、有効期限と更新の案内を表示し、シリアル番号や個人の情報は表示しません。"
        "通常の終わり方 (Ctrl-C、SIGTERM、シミュレーションのカードの終わり) は終了コード 0、"
        "--once では確かめた 1 枚の終了コードです。"
    ),
    "short:mynacheck watch": "窓口モード: カードを次々に、暗証番号なしで。",
    "command:mynacheck-gui": (
        "mynacheck の画面: 自分のマイナンバーカードの利用者証明用電子証明書を確かめるか、"
        "窓口でカードを次々に確かめます (--counter)。"
    ),
    # Options every command shares.
    "--help": "この説明を表示して終わります。",
    "--version": "版を表示して終わります。",
    "--lang": "表示の言語 (既定: ロケールが日本語以外を示さない限り日本語)。",
    "--json": "標準出力に JSON (README を参照)。",
    "--verbose": "診断ログを標準エラー出力に (APDU、暗証番号は伏せ字)。内部エラーではトレースバックも。",
    "--debug-log": (
        "診断ログ (--verbose と同じ: すべての APDU、暗証番号は伏せ字) を FILE にも UTF-8 で書きます"
        " (問い合わせ用)。新しいファイルか、このオプションが以前に書いたファイルだけで、ほかの"
        "ファイルには書きません。"
    ),
    "--reader": "リーダー: 0 から始まる番号か、名前の一部。",
    "--wait": "カードが置かれるまで、この秒数だけ待ちます。",
    "--replay": "リーダーの代わりに、記録したやりとりを再生します。",
    "--simulate": "シミュレーションのカードを使います ('list' でシナリオの一覧)。",
    "--record": "カードとのやりとりを記録ファイルに書きます (暗証番号は伏せ字)。",
    "--at": "この時点で評価します (JST)。",
    "--trust-anchor": "このルート証明書 (PEM か DER) も信頼します。何度でも指定できます。",
    "--log": (
        "確認ごとに 1 行を集計ファイル (SQLite) に足します。'default' は利用者のデータフォルダー。"
        "postgresql://... か service=名前 は共有のサーバー集計 (手元の送信待ちファイルを通して)。"
    ),
    "--key-file": (
        "カードのハッシュの鍵 (既定: 集計ファイルの横の <log>.key。窓口どうしで共有すると、"
        "同じカードを一度だけ数えます)。"
    ),
    "--tag": "--log と使います: 部署などのグループ名。",
    # check
    "--pin-stdin": "暗証番号を標準入力の 1 行から読みます。",
    "--no-pin": "暗証番号を尋ねません (窓口用)。",
    "--allow-last-try": "残り 1 回の暗証番号を使うことを許します。",
    # inspect
    "--ca": "その発行元の証明書。",
    # report
    "--from": "最初の日 (JST、その日を含む)。",
    "--to": "最後の日 (JST、その日を含む)。",
    "--by": "日・週 (月曜から)・月 (JST)・タグごとに数えます。",
    "mynacheck report --tag": "このタグ (部署など) の確認だけ。何度でも指定できます。",
    "--latest": "--by と使います: 各カードを、期間中の最後の確認のグループだけで数えます。",
    "mynacheck report --at": "更新の見通しの「今日」(既定: JST の今日)。",
    "--chart": "グラフを .png か .svg のファイルにも描きます (mynacheck[chart] が必要)。",
    "--csv": "CSV を標準出力に (BOM なしの UTF-8)、または Excel 用に BOM 付きで FILE.csv に。",
    "--xlsx": "グラフ付きの Excel ブックも書きます (mynacheck[excel] が必要)。",
    "--html": "印刷できる 1 ページも書きます (スクリプトなし、ネットワークから何も読みません)。",
    # tally
    "--apply": "SQL を URI で、その所有者として実行します。",
    "mynacheck tally push --to": "送り先のサーバー集計。",
    # watch
    "--once": "カードを 1 枚確かめて、その終了コードで終わります。",
    "mynacheck watch --simulate": "リーダーの代わりに、シミュレーションのカードを順に ('list' で一覧)。",
    "mynacheck watch --json": "1 行に 1 つの JSON: 確認ごとに、最後に集計。",
    # mynacheck-gui
    "--counter": "窓口モード: 暗証番号なしで、カードを次々に。",
    "--hold": "--counter と --simulate で: 各カードをリーダーに置いておく秒数 (既定 3)。",
    "--smoke-test": "画面を表示して少し動かし、終了コード 0 で終わります (配布物の確認用)。",
    "mynacheck-gui --simulate": "リーダーの代わりに、シミュレーションのカードを順に ('list' で一覧)。",
}
