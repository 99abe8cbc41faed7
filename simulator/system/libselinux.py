"""One boundary to SELinux for everything above the kernel, shaped like libselinux.

libvirt's drivers, the shell's tools and the scenario loader ask here whether SELinux is
on, in which mode, what the configuration file says and what a path's default context is,
instead of testing for the kernel's security module and reading its internals.
"""

from __future__ import annotations

from simulator.errors import SeclabError
from simulator.kernel import errno_table as errno
from simulator.kernel.errno_util import os_error
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.process import Process
from simulator.selinux.context import SecurityContext
from simulator.selinux.state import SelinuxState
from simulator.system.selinux_config import CONFIG_PATH, SelinuxConfig, parse_config

ENFORCE_PATH = "/sys/fs/selinux/enforce"


def selinux_module(kernel: Kernel) -> SelinuxLsm | None:
    """The kernel's SELinux module, or None when SELinux is not the security module."""
    lsm = kernel.security
    return lsm if isinstance(lsm, SelinuxLsm) else None


def selinux_state(kernel: Kernel) -> SelinuxState | None:
    """The loaded policy with its booleans, modules and file contexts (None: disabled)."""
    lsm = selinux_module(kernel)
    return None if lsm is None else lsm.selinux


def is_selinux_enabled(kernel: Kernel) -> bool:
    """libselinux ``is_selinux_enabled``."""
    return selinux_module(kernel) is not None


def security_getenforce(kernel: Kernel) -> int:
    """libselinux ``security_getenforce``: 1 enforcing, 0 permissive, -1 disabled."""
    state = selinux_state(kernel)
    if state is None:
        return -1
    return 1 if state.enforcing else 0


def security_setenforce(kernel: Kernel, proc: Process, enforcing: bool) -> None:
    """libselinux ``security_setenforce``: a write of ``/sys/fs/selinux/enforce``, a root-owned
    0644 file, so other users fail with EACCES (the ``security:setenforce`` check that
    follows passes for every domain the lab runs commands in)."""
    lsm = selinux_module(kernel)
    if lsm is None:
        raise os_error(errno.ENOENT, ENFORCE_PATH)
    if not proc.credentials.is_root:
        raise os_error(errno.EACCES, ENFORCE_PATH)
    lsm.setenforce(enforcing)


def set_boolean(kernel: Kernel, name: str, value: bool) -> None:
    """libselinux ``security_set_boolean`` + commit (not persistent)."""
    lsm = selinux_module(kernel)
    if lsm is None:
        raise SeclabError("SELinux is disabled")
    lsm.set_boolean(name, value)


def read_config(kernel: Kernel, proc: Process) -> SelinuxConfig:
    """``/etc/selinux/config`` as ``proc`` reads it; OSError when it cannot."""
    return parse_config(kernel.read_file(proc, CONFIG_PATH).decode(errors="replace"))


def selinux_getenforcemode(kernel: Kernel, proc: Process) -> int | None:
    """libselinux ``selinux_getenforcemode``: 1, 0 or -1 for enforcing, permissive or
    disabled in the configuration file; None when no line names a mode; OSError when the
    file cannot be read."""
    mode = read_config(kernel, proc).mode
    return None if mode is None else {"enforcing": 1, "permissive": 0, "disabled": -1}[mode]


def matchpathcon(kernel: Kernel, path: str, tclass: str | None = None) -> SecurityContext | None:
    """libselinux ``matchpathcon``/``selabel_lookup``: the default context of ``path``."""
    state = selinux_state(kernel)
    return None if state is None else state.file_contexts.default_context(path, tclass)


def decision_generation(kernel: Kernel) -> tuple[int, int]:
    """Which policy, booleans and mode decisions are taken under: equal values mean every
    access decided under one is decided the same under the other (``avc_ss_reset`` bumps
    it); (0, 0) without SELinux."""
    state = selinux_state(kernel)
    return (0, 0) if state is None else (id(state), state.generation)
