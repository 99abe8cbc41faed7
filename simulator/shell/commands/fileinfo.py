"""Formatting helpers shared by ls and stat (coreutils ``filemodestring``, dates)."""

from __future__ import annotations

import time

from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import Kind

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TYPE_CHARS = {
    Kind.REGULAR: "-",
    Kind.DIRECTORY: "d",
    Kind.SYMLINK: "l",
    Kind.BLOCK: "b",
    Kind.CHAR: "c",
    Kind.FIFO: "p",
    Kind.SOCKET: "s",
}
TYPE_NAMES = {
    Kind.REGULAR: "regular file",
    Kind.DIRECTORY: "directory",
    Kind.SYMLINK: "symbolic link",
    Kind.BLOCK: "block special file",
    Kind.CHAR: "character special file",
    Kind.FIFO: "fifo",
    Kind.SOCKET: "socket",
}
HALF_YEAR = 31556952 // 2


def mode_string(st: StatResult) -> str:
    """``filemodestring``: ``-rw-r--r--`` with s/S/t/T for the special bits."""
    return TYPE_CHARS[st.kind] + mode_string_bits(st.mode)


def mode_string_bits(mode: int) -> str:
    """The nine permission characters of a mode (``rw-r--r--``)."""
    chars: list[str] = []
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = (mode >> shift) & 7
        chars.append("r" if bits & 4 else "-")
        chars.append("w" if bits & 2 else "-")
        if mode & special:
            chars.append(letter if bits & 1 else letter.upper())
        else:
            chars.append("x" if bits & 1 else "-")
    return "".join(chars)


def type_name(st: StatResult) -> str:
    if st.kind is Kind.REGULAR and st.st_size == 0:
        return "regular empty file"
    return TYPE_NAMES[st.kind]


def ls_date(when: int, now: int) -> str:
    """``%b %e %H:%M`` within six months (not in the future), else ``%b %e  %Y``."""
    t = time.gmtime(when)
    month = MONTHS[t.tm_mon - 1]
    if now - HALF_YEAR < when <= now:
        return f"{month} {t.tm_mday:2d} {t.tm_hour:02d}:{t.tm_min:02d}"
    return f"{month} {t.tm_mday:2d}  {t.tm_year}"


def full_date(when: int) -> str:
    """stat's ``%x``: ``2025-06-04 09:58:00.000000000 +0000``."""
    t = time.gmtime(when)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.000000000 +0000"
    )


def blocks_512(st: StatResult) -> int:
    """Allocated 512-byte blocks: whole 4 KiB blocks for regular files' data."""
    if st.kind is not Kind.REGULAR:
        return 0
    return -(-st.st_size // 4096) * 8
