"""Reads of the host that several commands share: the SELinux module, a directory tree."""

from __future__ import annotations

from simulator.kernel.inode import Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.shell.registry import CommandContext
from simulator.system.libselinux import selinux_module


def selinux_lsm(host: Kernel) -> SelinuxLsm | None:
    """The host's SELinux module, or None when SELinux is disabled."""
    return selinux_module(host)


def tree(
    ctx: CommandContext, path: str, *, recursive: bool = True, skip: tuple[str, ...] = ()
) -> list[str]:
    """``path`` and, if ``recursive``, everything below it, depth first in name order,
    without following symlinks and leaving out the subtrees named in ``skip``."""
    out = [path]
    if recursive:
        try:
            if ctx.host.lstat(ctx.proc, path).kind is Kind.DIRECTORY:
                for child in ctx.host.listdir(ctx.proc, path):
                    child_path = path.rstrip("/") + "/" + child
                    if child_path not in skip:
                        out.extend(tree(ctx, child_path, skip=skip))
        except OSError:
            pass
    return out
