"""Project-wide pytest settings that must live at the rootdir."""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_report_header() -> Generator[None, list[str | list[str]], list[str | list[str]]]:
    """Quiet pytest-benchmark's one-line banner of its defaults, which every run printed
    though only ``pytest benchmarks/ --benchmark-only`` benchmarks anything."""
    lines = yield
    return [
        line for line in lines if not (isinstance(line, str) and line.startswith("benchmark: "))
    ]
