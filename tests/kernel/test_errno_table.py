"""The lab's own Linux errno table: the same bytes on every platform (issue 19, item 14)."""

from __future__ import annotations

import errno as platform_errno
import os
from pathlib import Path

import pytest

import simulator
from simulator.kernel import errno_table, open_flags
from simulator.kernel.errno_util import errno_by_name, errno_name, os_error

SCENARIOS = sorted(str(p) for p in Path(__file__).parents[2].joinpath("scenarios").rglob("*.txtar"))


@pytest.mark.parametrize(
    ("name", "code", "text"),
    [
        ("EPERM", 1, "Operation not permitted"),
        ("ENOENT", 2, "No such file or directory"),
        ("EACCES", 13, "Permission denied"),
        ("EBUSY", 16, "Device or resource busy"),
        ("EINVAL", 22, "Invalid argument"),
        ("ENAMETOOLONG", 36, "File name too long"),
        ("ELOOP", 40, "Too many levels of symbolic links"),
        ("ENODATA", 61, "No data available"),
        ("EOPNOTSUPP", 95, "Operation not supported"),
        ("EHWPOISON", 133, "Memory page has hardware error"),
    ],
)
def test_linux_numbers_names_and_glibc_texts(name: str, code: int, text: str) -> None:
    assert getattr(errno_table, name) == code
    assert errno_table.errorcode(code) == name
    assert errno_table.strerror(code) == text
    assert errno_by_name(name) == code
    assert str(os_error(code, "/x")) == f"[Errno {code}] {text}: '/x'"


def test_aliases_and_unknown_numbers() -> None:
    assert errno_by_name("ENOTSUP") == errno_by_name("EOPNOTSUPP") == 95
    assert errno_name(95) == "EOPNOTSUPP"  # audit's errtab.h, not the platform's ENOTSUP
    assert errno_table.strerror(41) == "Unknown error 41"
    assert errno_name(41) == "41"


def _library_output() -> list[tuple[str, str, tuple[tuple[tuple[str, ...], int], ...]]]:
    out = []
    for path in SCENARIOS:
        result = simulator.run_scenario(path)
        steps = tuple((step.actual, step.status) for step in result.steps)
        out.append((path, result.verdict, steps))
    return out


def test_the_scenario_library_prints_the_same_bytes_under_another_platforms_errno(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _library_output()
    # Another C library: every errno and open flag renumbered, every text reworded.
    for code, name in list(platform_errno.errorcode.items()):
        monkeypatch.setattr(platform_errno, name, code + 1000)
    monkeypatch.setattr(
        platform_errno, "errorcode", {c + 1000: n for c, n in platform_errno.errorcode.items()}
    )
    monkeypatch.setattr(os, "strerror", lambda code: f"platform error {code}")
    for name in dir(open_flags):
        if name.startswith("O_") and hasattr(os, name):
            monkeypatch.setattr(os, name, getattr(os, name) << 3 | 0x10000000)
    assert _library_output() == expected
