"""User and group names, read from the host's ``/etc/passwd`` and ``/etc/group``."""

from __future__ import annotations

from simulator.shell.registry import CommandContext
from simulator.system import accounts
from simulator.system.accounts import GROUP_PATH, PASSWD_PATH


def _text(ctx: CommandContext, path: str) -> str:
    try:
        return ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    except OSError:
        return ""


def user_names(ctx: CommandContext) -> dict[int, str]:
    return accounts.names_by_id(_text(ctx, PASSWD_PATH))


def group_names(ctx: CommandContext) -> dict[int, str]:
    return accounts.names_by_id(_text(ctx, GROUP_PATH))


def lookup_user(ctx: CommandContext, name: str) -> int | None:
    if name.isdigit():
        return int(name)
    return accounts.id_of(_text(ctx, PASSWD_PATH), name)


def lookup_group(ctx: CommandContext, name: str) -> int | None:
    if name.isdigit():
        return int(name)
    return accounts.id_of(_text(ctx, GROUP_PATH), name)


def user_groups(ctx: CommandContext, user: str) -> list[int]:
    """Supplementary groups listing ``user`` as a member."""
    return accounts.groups_with_member(_text(ctx, GROUP_PATH), user)
