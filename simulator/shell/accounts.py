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


def lookup_user(ctx: CommandContext, name: str) -> int | None:
    if name.isdigit():
        return int(name)
    return next((uid for uid, n in user_names(ctx).items() if n == name), None)


def lookup_group(ctx: CommandContext, name: str) -> int | None:
    if name.isdigit():
        return int(name)
    return next((gid for gid, n in group_names(ctx).items() if n == name), None)


def user_groups(ctx: CommandContext, user: str) -> list[int]:
    """Supplementary groups listing ``user`` as a member."""
    return [
        int(row[2])
        for row in _table(ctx, "/etc/group")
        if row[2].isdigit() and len(row) > 3 and user in row[3].split(",")
    ]
