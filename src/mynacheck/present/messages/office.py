"""The report's files for a personnel office (``report --csv FILE``, ``--xlsx``,
``--html``): usage errors and notices."""

from __future__ import annotations

from .usage import USAGE

#: What ``report`` says on stderr after writing a file.
OFFICE: dict[str, tuple[str, str]] = {
    "written": ("{path} に書き出しました。", "Written to {path}."),
    # the sheets' and the tables' titles (xlsx, html)
    "sheet.summary": ("概要", "Summary"),
    "sheet.forecast": ("更新の見通し", "Renewal forecast"),
    "sheet.files": ("集計ファイル", "Tallies"),
    "code": ("判定コード", "Status code"),
    "month": ("月", "Month"),
    "all": ("全体", "All"),
    "file": ("集計ファイル", "Tally file"),
    "number": ("番号", "No."),
    "item": ("項目", "Item"),
    "value": ("値", "Value"),
    "at": ("基準日", "As of"),
    "first": ("最初の確認", "First check"),
    "last": ("最後の確認", "Last check"),
    "notes": ("注記", "Notes"),
}

USAGE.update(
    {
        "output_bad_suffix": (
            "{option} のファイル名は {suffixes} で終えてください: {path}",
            "the {option} file name must end in {suffixes}: {path}",
        ),
        "output_not_replaced": (
            "{path} は {option} で書くファイルではないため上書きしません (シンボリックリンクも上書きしません)。別のファイル名を指定してください。",
            "{path} is not a file that {option} writes (or it is a symbolic link): it was "
            "not overwritten. Give another file name.",
        ),
        "output_write_failed": (
            "{path} に書き込めません (Excel などで開いている場合は閉じてください): {reason}",
            "cannot write {path} (if Excel or another program has it open, close it): {reason}",
        ),
        "xlsx_needs_xlsxwriter": (
            "--xlsx には XlsxWriter が必要です: pip install 'mynacheck[excel]'",
            "--xlsx needs XlsxWriter: pip install 'mynacheck[excel]'",
        ),
    }
)
