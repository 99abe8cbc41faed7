"""seclab's pytest plugin (entry point ``pytest11``): seclab scenarios are test items,
a failure shows the same unified diff as ``seclab run``, and ``lab_host`` is a fresh host.

Only seclab's own ``*.txtar`` files are collected: those with a ``-- transcript --``
section, any file matching the ``seclab_scenarios`` ini option, and any ``*.txtar`` named
on the command line (so that one with a broken or missing section is reported, not
skipped). Other txtar archives (Go's ``testdata/*.txtar`` golden files) are left alone.

Kept import-light: pytest loads it in every run of an environment where seclab is installed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from simulator.host import Host

TRANSCRIPT_MARKER = "-- transcript --"
DEFAULT_TIMEOUT = "60"  # simulator.scenario.deadline.DEFAULT_TIMEOUT


class ScenarioFailed(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "seclab_scenarios",
        "glob patterns (relative to rootdir) of files that are seclab scenarios, "
        "whatever they contain",
        type="linelist",
        default=[],
    )
    parser.addini(
        "seclab_timeout",
        "seconds a seclab scenario may run before it is reported as timed out (0: no limit)",
        default=DEFAULT_TIMEOUT,
    )


def _configured(config: pytest.Config, file_path: Path) -> bool:
    patterns: list[str] = config.getini("seclab_scenarios")
    if not patterns:
        return False
    try:
        relative = file_path.relative_to(config.rootpath).as_posix()
    except ValueError:
        relative = file_path.as_posix()
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns)


def is_scenario(file_path: Path) -> bool:
    """A ``*.txtar`` with a ``-- transcript --`` section."""
    try:
        with file_path.open(encoding="utf-8", errors="replace") as lines:
            return any(line.rstrip("\r\n") == TRANSCRIPT_MARKER for line in lines)
    except OSError:
        return False


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix != ".txtar":
        return None
    named = parent.session.isinitpath(file_path)  # given on the command line: meant as one
    if named or _configured(parent.config, file_path) or is_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioItem.from_parent(self, name=self.path.name)


def _timeout(config: pytest.Config) -> float | None:
    text = str(config.getini("seclab_timeout"))
    try:
        seconds = float(text)
    except ValueError:
        raise pytest.UsageError(f"seclab_timeout: invalid number of seconds: '{text}'") from None
    return seconds if seconds > 0 else None


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        from simulator.scenario.runner import run_path

        result = run_path(str(self.path), timeout=_timeout(self.config))
        if result.verdict == "ERROR":
            raise ScenarioFailed(f"ERROR {result.error}")
        if result.verdict == "TIMEOUT":
            raise ScenarioFailed(f"TIMEOUT {result.timeout}")
        if result.verdict == "FAIL":
            raise ScenarioFailed(result.diff)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.path.name}"


@pytest.fixture
def lab_profile() -> str:
    """The profile ``lab_host`` is built from: ``ol9``; override this fixture, or parametrize
    it (``@pytest.mark.parametrize("lab_profile", ["ol8", "ol9"])``), for another."""
    return "ol9"


@pytest.fixture
def lab_host(lab_profile: str) -> Host:
    """A fresh lab host (host.md's default, or the ``lab_profile`` fixture's profile)."""
    from simulator.host import Host

    return Host(profile=lab_profile)


@pytest.fixture
def lab_libvirt(lab_host: Host) -> Iterator[Any]:
    """``import libvirt`` answered by ``lab_host``'s daemon for the test's duration."""
    from simulator.bindings import patch_libvirt

    with patch_libvirt(lab_host) as module:
        yield module


@pytest.fixture
def lab_selinux(lab_host: Host) -> Iterator[Any]:
    """``import selinux`` answered by ``lab_host``'s kernel for the test's duration."""
    from simulator.bindings import patch_selinux

    with patch_selinux(lab_host) as module:
        yield module
