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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.host import Host

__all__ = ["patch_libvirt", "patch_selinux"]


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
