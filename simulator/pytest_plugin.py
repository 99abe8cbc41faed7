"""seclab's pytest plugin (entry point ``pytest11``): ``*.txtar`` scenarios are test items,
a failure shows the same unified diff as ``seclab run``, and ``lab_host`` is a fresh host.

Kept import-light: pytest loads it in every run of an environment where seclab is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from simulator.host import Host


class ScenarioFailed(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".txtar":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioItem.from_parent(self, name=self.path.name)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        from simulator.scenario.runner import run_path

        result = run_path(str(self.path))
        if result.verdict == "ERROR":
            raise ScenarioFailed(f"ERROR {result.error}")
        if result.verdict == "FAIL":
            raise ScenarioFailed(result.diff)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.path.name}"


@pytest.fixture
def lab_host() -> Host:
    """A fresh default lab host (host.md)."""
    from simulator.host import Host

    return Host()


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
