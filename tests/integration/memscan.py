"""Copies of a byte string in another process's memory (/proc/PID/mem, Linux only).

Counts every readable mapping's occurrences of ASCII and UTF-16LE forms; each hit
is named by its mapping (``[heap]``, a library path, or ``anon``), so a test can
say which layer holds a copy. Reading another process's memory needs root or the
same user with ptrace allowed (CI runs as root)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_MAPS = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$")


@dataclass
class Hits:
    ascii: Counter[str]
    utf16: Counter[str]

    @property
    def ascii_total(self) -> int:
        return sum(self.ascii.values())

    @property
    def utf16_total(self) -> int:
        return sum(self.utf16.values())

    def beyond(self, control: Hits) -> tuple[int, int]:
        """Copies (ASCII, UTF-16) beyond a control's chance matches."""
        return (
            max(0, self.ascii_total - control.ascii_total),
            max(0, self.utf16_total - control.utf16_total),
        )


def scan(pid: int, needle: bytes) -> Hits:
    """Where ``needle`` (ASCII) and its UTF-16LE form occur in ``pid``'s writable memory."""
    wide = needle.decode("ascii").encode("utf-16-le")
    hits = Hits(Counter(), Counter())
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            match = _MAPS.match(line)
            # Readable and writable: where a copy made at run time can be (a library's
            # read-only pages hold only what was built into it).
            if not match or not match.group(3).startswith("rw"):
                continue
            name = match.group(4).strip() or "anon"
            if name in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                continue
            start, end = int(match.group(1), 16), int(match.group(2), 16)
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            for form, counter in ((needle, hits.ascii), (wide, hits.utf16)):
                found = data.count(form)
                if found:
                    counter[name] += found
    return hits
