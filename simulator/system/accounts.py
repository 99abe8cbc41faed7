"""``/etc/passwd`` and ``/etc/group`` lookups, the one parser of both (glibc ``nss_files``).

A line is ``name:password:id:...``; lines with fewer than three fields or a non-numeric id
are skipped, and the first line that matches wins (``getpwnam``, ``getgrnam``,
``getpwuid``, ``getgrgid``). Group members are the fourth field, comma-separated.
"""

from __future__ import annotations

import attrs

PASSWD_PATH = "/etc/passwd"
GROUP_PATH = "/etc/group"


@attrs.frozen(repr=False, eq=False)
class Entry:
    """One usable line of either database: name, numeric id, the other fields as found."""

    name: str
    id: int
    fields: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        """``gr_mem``: the group's supplementary members (empty for passwd lines)."""
        if len(self.fields) < 4 or not self.fields[3]:
            return ()
        return tuple(self.fields[3].split(","))


# The last few databases parsed, by their text (a host has two; a scenario may write more).
# The text is the key, so a file changed in any way (written, renamed over, truncated) is
# parsed afresh and never answered from an older parse; the file is still read, through
# the kernel, by every lookup, as glibc's files backend opens it for every call.
CACHED_TEXTS = 8


# (every entry, the first line of each name, the first line of each id)
_Parsed = tuple[tuple[Entry, ...], dict[str, Entry], dict[int, Entry]]


_PARSED: dict[str, _Parsed] = {}


def _parse(text: str) -> _Parsed:
    parsed = _PARSED.get(text)
    if parsed is not None:
        return parsed
    found = []
    by_name: dict[str, Entry] = {}
    by_id: dict[int, Entry] = {}
    for line in text.splitlines():
        fields = tuple(line.split(":"))
        if len(fields) >= 3 and fields[2].isascii() and fields[2].isdigit():
            entry = Entry(fields[0], int(fields[2]), fields)
            found.append(entry)
            by_name.setdefault(entry.name, entry)
            by_id.setdefault(entry.id, entry)
    parsed = (tuple(found), by_name, by_id)
    if len(_PARSED) >= CACHED_TEXTS:
        del _PARSED[next(iter(_PARSED))]  # the oldest
    _PARSED[text] = parsed
    return parsed


def entries(text: str) -> tuple[Entry, ...]:
    """Every usable line, in the file's order."""
    return _parse(text)[0]


def entry_named(text: str, name: str) -> Entry | None:
    """``getpwnam``/``getgrnam``: the first line named ``name``."""
    return _parse(text)[1].get(name)


def entry_with_id(text: str, value: int) -> Entry | None:
    """``getpwuid``/``getgrgid``: the first line with that id."""
    return _parse(text)[2].get(value)


def id_of(text: str, name: str) -> int | None:
    """``getpwnam``/``getgrnam``: the id of the first line named ``name``."""
    entry = entry_named(text, name)
    return None if entry is None else entry.id


def names_by_id(text: str) -> dict[int, str]:
    """``getpwuid``/``getgrgid`` for every id: the first line with that id names it."""
    return {value: entry.name for value, entry in _parse(text)[2].items()}


def groups_with_member(group_text: str, user: str) -> list[int]:
    """``getgrouplist`` without the primary group: groups that list ``user`` as a member."""
    return [e.id for e in entries(group_text) if user in e.members]
