"""One modelled system call each, under pytest-benchmark (``pytest benchmarks/
--benchmark-only``); the whole table prints from ``python -m benchmarks.kernel_calls``."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.kernel_calls import calls

NAMES = [name for name, _ in calls()]


@pytest.mark.parametrize("name", NAMES)
def test_kernel_call(benchmark: Any, name: str) -> None:
    call = dict(calls())[name]
    call()
    benchmark(call)
