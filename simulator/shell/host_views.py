"""Reads of the host that several commands share: the SELinux module, a file operand, a
directory tree."""

from __future__ import annotations

import contextlib

from simulator.kernel import errno_table as errno
from simulator.kernel.inode import Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.shell.registry import CommandContext
from simulator.system.libselinux import selinux_module


def selinux_lsm(host: Kernel) -> SelinuxLsm | None:
    """The host's SELinux module, or None when SELinux is disabled."""
    return selinux_module(host)


def read_operand(ctx: CommandContext, name: str) -> bytes:
    """The bytes of a file operand (``-`` is standard input); reading a directory is EISDIR."""
    if name == "-":
        return ctx.stdin
    data = ctx.host.read_file(ctx.proc, name)
    if ctx.host.stat(ctx.proc, name).kind is Kind.DIRECTORY:
        raise OSError(errno.EISDIR, "Is a directory", name)
    return data


def tree(
    ctx: CommandContext,
    path: str,
    *,
    recursive: bool = True,
    skip: tuple[str, ...] = (),
    post_order: bool = False,
) -> list[str]:
    """``path`` and, if ``recursive``, everything below it, depth first in name order.

    Like fts with ``FTS_PHYSICAL`` (coreutils' default ``-P``): symbolic links inside the tree
    are listed but never followed, so ``/proc/PID/root`` and a ``link -> /etc/shadow`` stay
    links. Iterative, so a tree of any depth is walked without recursion. With ``post_order``
    a directory comes after its contents (for ``rm -r``)."""
    if not recursive:
        return [path]
    out: list[str] = []
    # (path, expanded): a directory is pushed once to list it, once more to emit it after
    stack: list[tuple[str, bool]] = [(path, False)]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            out.append(current)
            continue
        is_dir = False
        with contextlib.suppress(OSError):
            is_dir = ctx.host.lstat(ctx.proc, current).kind is Kind.DIRECTORY
        if not post_order:
            out.append(current)
        elif not is_dir:
            out.append(current)
            continue
        else:
            stack.append((current, True))
        if not is_dir:
            continue
        try:
            children = ctx.host.listdir(ctx.proc, current)
        except OSError:
            continue
        base = current.rstrip("/") + "/" if current.rstrip("/") else "/"
        for child in reversed(children):
            child_path = base + child
            if child_path not in skip:
                stack.append((child_path, False))
    return out
