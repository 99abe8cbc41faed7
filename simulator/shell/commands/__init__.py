"""Every tool family registers its commands in :mod:`simulator.shell.registry` on import."""

from simulator.shell.commands import attr_tools, builtins, coreutils, system, text_tools

__all__ = ["attr_tools", "builtins", "coreutils", "system", "text_tools"]
