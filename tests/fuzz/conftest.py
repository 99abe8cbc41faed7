"""The campaign's counts: printed at the end of a run, and written where ``SECLAB_FUZZ_REPORT``
says (the soak's record)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.fuzz.harness import COUNTS, FINDING_EXAMPLES, FINDINGS

_START = time.monotonic()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    elapsed = time.monotonic() - _START
    terminalreporter.write_sep("-", f"fuzz campaign: {sum(COUNTS.values())} inputs")
    for kind, count in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{kind:28} {count:8}")
    for name, count in sorted(FINDINGS.items()):
        terminalreporter.write_line(f"open finding x{count}: {name}: {FINDING_EXAMPLES[name]}")
    report = os.environ.get("SECLAB_FUZZ_REPORT")
    if report:
        record = {
            "seconds": round(elapsed),
            "inputs": sum(COUNTS.values()),
            "counts": dict(sorted(COUNTS.items())),
            "open_findings": {
                name: [count, FINDING_EXAMPLES[name]] for name, count in FINDINGS.items()
            },
        }
        Path(report).write_text(json.dumps(record, indent=1, sort_keys=True))
