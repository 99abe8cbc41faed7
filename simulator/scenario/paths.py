"""Scenario paths as the reports print them, without loading :mod:`pathlib` on the path of
``seclab run FILE`` (the CLI's start is part of every CI job)."""

from __future__ import annotations

import errno
import os
import stat

# pathlib: Path.is_dir treats these as "not a directory" and raises any other error
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def pure_path(text: str) -> str:
    """``str(pathlib.PurePosixPath(text))``: empty and ``.`` components dropped, one
    leading ``/`` (two kept, as POSIX leaves ``//`` to the implementation), ``.`` if
    nothing is left; ``..`` stays."""
    rel = text.lstrip("/")
    leading = len(text) - len(rel)
    root = "//" if leading == 2 else "/" if leading else ""
    parts = [part for part in rel.split("/") if part and part != "."]
    return root + "/".join(parts) or "."


def is_dir(path: str) -> bool:
    """``pathlib.Path(path).is_dir()``."""
    try:
        mode = os.stat(path).st_mode  # noqa: PTH116 - the point is not to load pathlib
    except OSError as error:
        if error.errno not in _NOT_THERE:
            raise
        return False
    except ValueError:  # an embedded NUL byte
        return False
    return stat.S_ISDIR(mode)
