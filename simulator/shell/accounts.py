"""User and group names, read from the host's ``/etc/passwd`` and ``/etc/group``."""

from __future__ import annotations

from simulator.shell.registry import CommandContext


def _table(ctx: CommandContext, path: str) -> list[list[str]]:
    try:
        text = ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    except OSError:
        return []
    return [line.split(":") for line in text.splitlines() if line.count(":") >= 2]


def user_names(ctx: CommandContext) -> dict[int, str]:
    return {int(row[2]): row[0] for row in _table(ctx, "/etc/passwd") if row[2].isdigit()}


def group_names(ctx: CommandContext) -> dict[int, str]:
    return {int(row[2]): row[0] for row in _table(ctx, "/etc/group") if row[2].isdigit()}


ID_MAX = 0xFFFFFFFE  # uid_t/gid_t; 4294967295 is (uid_t)-1, "no change", never an id


def _numeric_id(text: str) -> int | None:
    """gnulib userspec.c: ``xstrtoul(.., 10)``, ``<= MAXUID`` and not ``(uid_t)-1``."""
    text = text.lstrip(" \t\n\v\f\r")  # strtoul: leading space, then an optional '+'
    text = text[1:] if text.startswith("+") else text
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > 10:
        return None
    value = int(text)
    return value if value <= ID_MAX else None


def lookup_user(ctx: CommandContext, name: str) -> int | None:
    """A user name (getpwnam first), else a number in range; None when neither."""
    found = next((uid for uid, n in user_names(ctx).items() if n == name), None)
    return found if found is not None else _numeric_id(name)


def lookup_group(ctx: CommandContext, name: str) -> int | None:
    found = next((gid for gid, n in group_names(ctx).items() if n == name), None)
    return found if found is not None else _numeric_id(name)


def user_groups(ctx: CommandContext, user: str) -> list[int]:
    """Supplementary groups listing ``user`` as a member."""
    return [
        int(row[2])
        for row in _table(ctx, "/etc/group")
        if row[2].isdigit() and len(row) > 3 and user in row[3].split(",")
    ]
