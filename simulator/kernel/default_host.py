"""Moved: the default host is the ``ol9`` profile of :mod:`simulator.system`.

The installed system is not the kernel's business; its tables live in
``simulator/system/profiles/ol9.py`` and the installer in ``simulator/system/install.py``.
Old imports of this module's names keep working through this lookup, made on first use
only, so the kernel package itself still imports nothing above it.
"""

from __future__ import annotations

import importlib
from typing import Any

_MOVED_TO = (
    "simulator.system.profiles.ol9",
    "simulator.system.install",
    "simulator.system.profile",
)
_RENAMED = {"_Builder": "Builder", "_sys": "system_context"}


def build_default_host(kernel: Any) -> None:
    """Turn an empty kernel into host.md's default host (the ``ol9`` profile)."""
    install = importlib.import_module("simulator.system.install")
    profiles = importlib.import_module("simulator.system.profiles")
    install.install(kernel, profiles.get_profile("ol9"))


def __getattr__(name: str) -> Any:
    for module_name in _MOVED_TO:
        module = importlib.import_module(module_name)
        target = _RENAMED.get(name, name)
        if hasattr(module, target):
            return getattr(module, target)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
