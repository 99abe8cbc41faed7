"""A txtar reader and writer (Go's ``golang.org/x/tools/txtar`` layout).

An archive is free text, then files, each starting with a marker line ``-- NAME --``.
Each file's data runs to the next marker; a data section that does not end in a newline
gets one (the "final newline" rule). Line numbers are kept so errors and diffs can point
into the ``.txtar`` file.
"""

from __future__ import annotations

import re

import attrs

MARKER = re.compile(r"^-- (.+) --$")


@attrs.frozen(repr=False, eq=False)
class Entry:
    name: str
    data: str
    line: int  # 1-based line of the marker


@attrs.frozen(repr=False, eq=False)
class Archive:
    comment: str
    entries: tuple[Entry, ...]

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)


def lines(text: str) -> list[str]:
    """The lines of ``text``, split at ``\\n`` only (a form feed, ``\\x1c`` or U+2028
    inside a line is part of it, as for a terminal), without their newlines."""
    parts = text.split("\n")
    return parts[:-1] if parts[-1] == "" else parts


def parse(text: str) -> Archive:
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    comment: list[str] = []
    entries: list[Entry] = []
    name: str | None = None
    start = 0
    body: list[str] = []
    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line.rstrip("\n"))
        if match:
            if name is None:
                comment = body
            else:
                entries.append(Entry(name, _final_newline("".join(body)), start))
            name, start, body = match.group(1).strip(), number, []
            continue
        body.append(line)
    if name is None:
        comment = body
    else:
        entries.append(Entry(name, _final_newline("".join(body)), start))
    return Archive(_final_newline("".join(comment)), tuple(entries))


def _final_newline(data: str) -> str:
    return data if not data or data.endswith("\n") else data + "\n"


def format_archive(archive: Archive) -> str:
    out = [archive.comment]
    for entry in archive.entries:
        out.append(f"-- {entry.name} --\n")
        out.append(entry.data)
    return "".join(out)
