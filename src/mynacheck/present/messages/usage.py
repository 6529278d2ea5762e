"""Usage errors: the caller's mistakes, said before anything reaches the card."""

from __future__ import annotations

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
        "暗証番号を尋ねられません (標準入力が端末ではありません)。--pin-stdin (暗証番号を標準入力から読む) か --no-pin を指定してください。",
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
    "unknown_scenario.close": (
        "シナリオ '{name}' はありません。'{close}' のことですか? --simulate list で一覧を表示します。",
        "no scenario '{name}': did you mean '{close}'? --simulate list shows them.",
    ),
    # An option's value that is none of its choices (click's Choice, said our way).
    "bad_choice": (
        "{option} に '{value}' は指定できません。指定できる値: {choices}",
        "{option} cannot be '{value}'. Choose from: {choices}",
    ),
    "bad_choice.close": (
        "{option} に '{value}' は指定できません。'{close}' のことですか? 指定できる値: {choices}",
        "{option} cannot be '{value}': did you mean '{close}'? Choose from: {choices}",
    ),
    "unknown_command": (
        "コマンド '{name}' はありません。使えるコマンド: {choices}",
        "no command '{name}'. Commands: {choices}",
    ),
    "unknown_command.close": (
        "コマンド '{name}' はありません。'{close}' のことですか? 使えるコマンド: {choices}",
        "no command '{name}': did you mean '{close}'? Commands: {choices}",
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
        "debug_log_symlink": (
            "{path} はシンボリックリンクです。診断ログはリンクの先には書きません。リンクではないファイル名を指定してください。",
            "{path} is a symbolic link; a diagnostic log is never written through one. "
            "Give a plain file name.",
        ),
        "debug_log_not_ours": (
            "{path} は既にあり、mynacheck の診断ログではないため上書きしません。新しいファイル名を指定してください。",
            "{path} exists and is not a mynacheck diagnostic log, so it is not overwritten. "
            "Give a new file name.",
        ),
        "debug_log_unwritable": (
            "診断ログを {path} に書き込めません: {reason}",
            "cannot write the diagnostic log to {path}: {reason}",
        ),
    }
)


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
        "tally_history_other_key": (
            "集計ファイル {path} と {other} は同じ集計ファイルの複製ですが、別の鍵で記録されています。同じ確認を 2 回数えずに合わせることはできません (どちらのファイルにも何もしていません)。",
            "the tallies {path} and {other} are copies of one tally but were written with "
            "different keys: they cannot be merged without counting a check twice (both "
            "were left as they were).",
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
