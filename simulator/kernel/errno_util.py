"""Raising simulated system-call failures the way the kernel reports them."""

from __future__ import annotations

import errno
import os

from simulator.errors import InvalidArgument


def os_error(code: int, path: str | None = None) -> OSError:
    """An ``OSError`` with the real errno and the C library's strerror text."""
    if path is None:
        return OSError(code, os.strerror(code))
    return OSError(code, os.strerror(code), path)


def errno_by_name(name: str) -> int:
    """``"EACCES"`` -> 13; an unknown name is an :class:`InvalidArgument`."""
    code = getattr(errno, name, None)
    if not name.startswith("E") or not isinstance(code, int):
        raise InvalidArgument(f"unknown errno name {name!r}")
    return code


def errno_name(code: int) -> str:
    return errno.errorcode.get(code, str(code))
