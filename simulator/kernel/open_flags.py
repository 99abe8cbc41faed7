"""Linux's ``open(2)`` flag values (x86_64), as data.

Audit records print them (``a2=80002``) and ``ausearch -i`` names them, so they must be
Linux's numbers whatever platform Python runs on; nothing in seclab reads ``os.O_*``.
Source: linux ``include/uapi/asm-generic/fcntl.h``.
"""

from __future__ import annotations

from typing import Final

O_ACCMODE: Final = 0o3
O_RDONLY: Final = 0o0
O_WRONLY: Final = 0o1
O_RDWR: Final = 0o2
O_CREAT: Final = 0o100
O_EXCL: Final = 0o200
O_NOCTTY: Final = 0o400
O_TRUNC: Final = 0o1000
O_APPEND: Final = 0o2000
O_NONBLOCK: Final = 0o4000
O_DIRECT: Final = 0o40000
O_DIRECTORY: Final = 0o200000
O_NOFOLLOW: Final = 0o400000
O_CLOEXEC: Final = 0o2000000
