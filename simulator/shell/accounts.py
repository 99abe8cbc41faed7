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


ID_MAX = 0xFFFFFFFE  # uid_t/gid_t; 4294967295 is (uid_t)-1, "no change", never an id


def _numeric_id(text: str) -> int | None:
    """gnulib userspec.c: ``xstrtoul(.., 10)``, ``<= MAXUID`` and not ``(uid_t)-1``."""
    text = text.lstrip(" \t\n\v\f\r")  # strtoul: leading space, then an optional '+'
    text = text[1:] if text.startswith("+") else text
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > 10:
        return None
    value = int(text)
    return value if value <= ID_MAX else None


def user_entry(ctx: CommandContext, uid: int) -> accounts.Entry | None:
    """``getpwuid``: the first passwd line with that uid."""
    return accounts.entry_with_id(_text(ctx, PASSWD_PATH), uid)


def lookup_user(ctx: CommandContext, name: str) -> int | None:
    """A user name (getpwnam first), else a number in range; None when neither."""
    found = accounts.id_of(_text(ctx, PASSWD_PATH), name)
    return found if found is not None else _numeric_id(name)


def lookup_group(ctx: CommandContext, name: str) -> int | None:
    found = accounts.id_of(_text(ctx, GROUP_PATH), name)
    return found if found is not None else _numeric_id(name)


def user_groups(ctx: CommandContext, user: str) -> list[int]:
    """Supplementary groups listing ``user`` as a member."""
    return accounts.groups_with_member(_text(ctx, GROUP_PATH), user)
