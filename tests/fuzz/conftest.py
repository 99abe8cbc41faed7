"""The campaign's counts: printed at the end of a run, and written where ``SECLAB_FUZZ_REPORT``
says (the soak's record, also rewritten every 500 inputs while it runs)."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.harness import COUNTS, FINDING_EXAMPLES, FINDINGS, write_report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.write_sep("-", f"fuzz campaign: {sum(COUNTS.values())} inputs")
    for kind, count in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{kind:28} {count:8}")
    for name, count in sorted(FINDINGS.items()):
        terminalreporter.write_line(f"finding x{count}: {name}: {FINDING_EXAMPLES[name]}")
    report = os.environ.get("SECLAB_FUZZ_REPORT")
    if report:
        write_report(report)
