"""Raising simulated system-call failures the way the kernel reports them."""

from __future__ import annotations

from simulator.errors import InvalidArgument
from simulator.kernel import errno_table


def os_error(code: int, path: str | None = None) -> OSError:
    """An ``OSError`` with Linux's errno and glibc's strerror text (never the platform's)."""
    entry = errno_table.ERRNO_TABLE.get(code)  # errno_table.strerror, in line
    text = f"Unknown error {code}" if entry is None else entry[1]
    if path is None:
        return OSError(code, text)
    return OSError(code, text, path)


def errno_by_name(name: str) -> int:
    """``"EACCES"`` -> 13; an unknown name is an :class:`InvalidArgument`."""
    code = errno_table.by_name(name)
    if code is None:
        raise InvalidArgument(f"unknown errno name {name!r}")
    return code


def errno_name(code: int) -> str:
    return errno_table.errorcode(code) or str(code)
