"""``/etc/passwd`` and ``/etc/group`` lookups, the one parser of both (glibc ``nss_files``).

A line is ``name:password:id:...``; lines with fewer than three fields or a non-numeric id
are skipped, and the first line that matches wins (``getpwnam``, ``getgrnam``,
``getpwuid``, ``getgrgid``). Group members are the fourth field, comma-separated.
"""

from __future__ import annotations

import functools

import attrs

PASSWD_PATH = "/etc/passwd"
GROUP_PATH = "/etc/group"


@attrs.frozen
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


def entries(text: str) -> list[Entry]:
    return list(_parsed(text))


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> tuple[Entry, ...]:
    """The usable lines, parsed once per distinct file content (libvirt reads both files
    on every start)."""
    found = []
    for line in text.splitlines():
        fields = tuple(line.split(":"))
        if len(fields) >= 3 and fields[2].isascii() and fields[2].isdigit():
            found.append(Entry(fields[0], int(fields[2]), fields))
    return tuple(found)


def id_of(text: str, name: str) -> int | None:
    """``getpwnam``/``getgrnam``: the id of the first line named ``name``."""
    return next((e.id for e in _parsed(text) if e.name == name), None)


def names_by_id(text: str) -> dict[int, str]:
    """``getpwuid``/``getgrgid`` for every id: the first line with that id names it."""
    names: dict[int, str] = {}
    for entry in _parsed(text):
        names.setdefault(entry.id, entry.name)
    return names


def groups_with_member(group_text: str, user: str) -> list[int]:
    """``getgrouplist`` without the primary group: groups that list ``user`` as a member."""
    return [e.id for e in _parsed(group_text) if user in e.members]
