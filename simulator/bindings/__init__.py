"""Python faces for tool authors: libvirt-python and python3-libselinux on a lab host.

``with patch_libvirt(host): import libvirt`` gives code under test the libvirt-python API
on the lab's daemon; ``patch_selinux(host)`` does the same for ``import selinux``. Both put
the module in ``sys.modules`` for the duration and restore what was there after.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.host import Host

__all__ = ["patch_libvirt", "patch_os", "patch_selinux"]


@contextlib.contextmanager
def _patched(name: str, module: ModuleType, hosts: list[Host], host: Host) -> Iterator[ModuleType]:
    saved = sys.modules.get(name)
    sys.modules[name] = module
    hosts.append(host)
    try:
        yield module
    finally:
        hosts.pop()
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved


@contextlib.contextmanager
def patch_libvirt(host: Host) -> Iterator[ModuleType]:
    """``import libvirt`` inside the block is :mod:`simulator.bindings.libvirt_api` on ``host``."""
    from simulator.bindings import libvirt_api

    with _patched("libvirt", libvirt_api, libvirt_api._hosts, host) as module:
        yield module


@contextlib.contextmanager
def patch_selinux(host: Host) -> Iterator[ModuleType]:
    """``import selinux`` inside the block is :mod:`simulator.bindings.selinux_api` on ``host``."""
    from simulator.bindings import selinux_api

    with _patched("selinux", selinux_api, selinux_api._hosts, host) as module:
        yield module


@contextlib.contextmanager
def patch_os(host: Host, pid: int | None = None) -> Iterator[None]:
    """``os``, ``io``, ``open()``, ``pathlib`` and ``shutil`` act on ``host`` as process
    ``pid`` (root's login shell by default) for the block, through pyfakefs's Patcher."""
    import pathlib
    import posixpath
    import shutil

    from pyfakefs.fake_filesystem_unittest import Patcher

    # The lab itself must keep the real os: load every part a call may reach, then leave
    # all of seclab's modules out of the patching (pyfakefs matches skip names by prefix of
    # the skip name, so each module is named).
    import simulator.libvirt.qemu_driver  # noqa: F401
    from simulator.bindings.os_api import LabPathModule, lab_modules
    from simulator.shell.commands import load_all

    load_all()
    skipped = sorted(m for m in sys.modules if m == "simulator" or m.startswith("simulator."))
    proc = host.shell if pid is None else host.process(pid)
    fakes: dict[str, Any] = {
        **lab_modules(host.kernel, proc),
        # pathlib and shutil stay the real modules, running on the patched os and io.
        "pathlib": lambda _fs: pathlib,
        "Path": lambda _fs: pathlib.Path,
        "shutil": lambda _fs: shutil,
    }
    patcher = Patcher(
        additional_skip_names=list[Any](skipped), modules_to_patch=fakes, use_cache=False
    )
    # ``from os.path import exists`` is patched with pyfakefs's own functions bound to the
    # fake path module; point those at the lab's instead.
    functions = patcher._fake_module_functions
    for name, by_module in functions.items():
        for module_name, (_function, owner) in list(by_module.items()):
            if module_name in ("genericpath", posixpath.__name__, "os.path"):
                ours = getattr(LabPathModule, name, None) or getattr(posixpath, name)
                by_module[module_name] = (ours, owner)
    with patcher:
        yield
