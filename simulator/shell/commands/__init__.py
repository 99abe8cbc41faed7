"""Every tool family registers its commands in :mod:`simulator.shell.registry` on import.

Each module of this package is imported, in sorted order, so a new tool family (virsh,
the SELinux tools, ...) plugs in by adding a module here, with no change elsewhere.
"""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
