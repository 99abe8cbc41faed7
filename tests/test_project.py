"""The README's two commands, what CI runs, and a quiet pytest header (issue 11 part 6)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n\n```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    return block.group(1).splitlines()


def test_readme_commands_use_a_virtualenv() -> None:
    """PEP 668 systems (Debian 12, Ubuntu 24.04, Fedora) refuse a bare ``pip install``."""
    install, tests = _quick_start()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]'")
    assert install.endswith(" && .venv/bin/seclab run scenarios/")
    assert tests == ".venv/bin/pytest"


def test_ci_runs_the_readme_commands() -> None:
    """.ci/run runs both commands as written, with its fresh virtualenv for ``.venv``."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in _quick_start():
        expected = re.sub(r"\.venv(?=/| |$)", '"$venv"', command)
        assert expected in ci, f".ci/run does not run: {expected}"


def test_pytest_prints_no_benchmark_banner() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "tests/test_project.py"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "benchmark-" in done.stdout  # the plugin is loaded ...
    assert "benchmark:" not in done.stdout  # ... and quiet
