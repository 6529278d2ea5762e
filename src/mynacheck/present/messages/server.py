"""The shared server tally (PostgreSQL) and the rows a tally refuses: usage errors,
and the delivery state that ``watch`` and the counter window show."""

from __future__ import annotations

from .usage import USAGE

#: Delivery of a counter's rows to the server tally (``watch``, the counter window).
DELIVERY: dict[str, tuple[str, str]] = {
    "delivered": ("集計サーバー: すべて送信済み", "Tally server: all delivered"),
    "waiting": ("集計サーバー: 送信待ち {n} 件", "Tally server: {n} waiting"),
    "unreachable": (
        "集計サーバー: {since} から接続できません (送信待ち {n} 件、確認は続けられます)",
        "Tally server: unreachable since {since} ({n} waiting; checks go on)",
    ),
    "refused": (
        "集計サーバー: 受け付けられません ({reason})。送信待ち {n} 件は手元に残しています。",
        "Tally server: refused ({reason}); {n} waiting, kept here.",
    ),
    "left": (
        "集計サーバーに送れなかった {n} 件は送信箱 {path} に残っています (次に起動したとき、または mynacheck tally push で送ります)。",
        "{n} rows could not reach the tally server yet: they wait in the outbox {path} "
        "(sent on the next run, or with `mynacheck tally push`).",
    ),
    "pushed": (
        "{path}: {sent} 行を送信 ({new} 行が新規、{old} 行は送信済みでした)",
        "{path}: {sent} rows sent ({new} new, {old} already there)",
    ),
    "applied": (
        "集計サーバーの準備ができました ({target})。",
        "The tally server is ready ({target}).",
    ),
}

USAGE.update(
    {
        "tally_row_refused": (
            "{path} の {row} 行目は記録できません: {field} が正しくありません ({value})。",
            "row {row} for {path} was refused: its {field} is not valid ({value}).",
        ),
        "server_needs_psycopg": (
            "PostgreSQL の集計には psycopg が必要です: pip install 'mynacheck[server]'",
            "a PostgreSQL tally needs psycopg: pip install 'mynacheck[server]'",
        ),
        "server_bad_target": (
            "集計サーバーの指定 {target} を読めません: {reason}",
            "cannot read the tally server {target}: {reason}",
        ),
        "server_password_in_uri": (
            "パスワードをコマンドラインに書かないでください ({target})。~/.pgpass (PGPASSFILE) に書くか、尋ねられたときに入力してください。",
            "never put a password on the command line ({target}): use ~/.pgpass (PGPASSFILE) "
            "or type it when asked.",
        ),
        "server_unreachable": (
            "集計サーバー {target} に接続できません: {reason}",
            "cannot connect to the tally server {target}: {reason}",
        ),
        "server_refused": (
            "集計サーバー {target} が受け付けません: {reason}",
            "the tally server {target} refused: {reason}",
        ),
        "server_not_a_tally": (
            "{target} には mynacheck の集計がありません。所有者が mynacheck tally init-server --apply で用意してください。",
            "{target} holds no mynacheck tally: its owner prepares one with "
            "`mynacheck tally init-server --apply`.",
        ),
        "server_newer_schema": (
            "集計サーバー {target} は新しい版の mynacheck で作られています (形式 {version})。mynacheck を更新してください。",
            "the tally server {target} was set up by a newer mynacheck (format {version}); "
            "update mynacheck.",
        ),
        "server_older_schema": (
            "集計サーバー {target} は古い形式です (形式 {version})。所有者が mynacheck tally init-server --apply で更新してください。",
            "the tally server {target} has an older format ({version}): its owner updates it "
            "with `mynacheck tally init-server --apply`.",
        ),
        "server_not_owner": (
            "集計サーバー {target} の更新は、表の所有者 ({owner}) だけができます (接続したロール: {role})。",
            "only the tables' owner ({owner}) can update the tally server {target} "
            "(connected as {role}).",
        ),
        "server_password_needed": (
            "集計サーバー {target} のパスワードが要ります: ~/.pgpass (PGPASSFILE) に書くか、端末から実行してください。",
            "the tally server {target} needs a password: put it in ~/.pgpass (PGPASSFILE) or "
            "run from a terminal to be asked.",
        ),
        "report_server_alone": (
            "集計サーバー ({target}) はファイルと一緒には集計できません。サーバーだけを指定するか、ファイルを mynacheck tally push で送ってください。",
            "a tally server ({target}) cannot be merged with files in one report: name the "
            "server alone, or send the files with `mynacheck tally push`.",
        ),
        "push_not_a_server": (
            "--to には集計サーバー (postgresql://... か service=名前) を指定してください: {target}",
            "--to takes a tally server (postgresql://... or service=NAME): {target}",
        ),
    }
)


def delivery_text(state: object, lang: str) -> str:
    """One line for a counter's delivery state (``DeliveryState``: ``state``, ``waiting``,
    ``since``, ``reason``), as ``watch`` and the counter window show it."""
    from ._base import Lang, text

    chosen: Lang = "en" if lang == "en" else "ja"
    kind = getattr(state, "state", "delivered")
    waiting = getattr(state, "waiting", 0)
    since = getattr(state, "since", None)
    if kind == "unreachable" and since is not None:
        return text(
            DELIVERY, "unreachable", chosen, since=since.astimezone().strftime("%H:%M"), n=waiting
        )
    if kind == "refused":
        return text(DELIVERY, "refused", chosen, reason=getattr(state, "reason", ""), n=waiting)
    if kind == "waiting":
        return text(DELIVERY, "waiting", chosen, n=waiting)
    return text(DELIVERY, "delivered", chosen)
