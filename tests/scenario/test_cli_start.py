"""``seclab``'s help and usage texts are argparse's, to the column, though the CLI finds the
terminal's width without importing shutil (simulator.cli._Formatter)."""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import cli

ROOT = Path(__file__).resolve().parents[2]


def _texts(parser: argparse.ArgumentParser) -> list[str]:
    texts = [parser.format_help(), parser.format_usage()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                texts += [sub.format_help(), sub.format_usage()]
    return texts


@pytest.mark.parametrize("columns", [None, "", "junk", "-3", "0", "30", "61", "80", "200"])
def test_help_is_argparses_at_any_width(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours = _texts(cli.build_parser())
    monkeypatch.setattr(cli, "_Formatter", argparse.HelpFormatter)
    stock = _texts(cli.build_parser())
    assert ours == stock


def test_usage_errors_are_argparses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")

    def error_of(argv: list[str]) -> str:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), pytest.raises(SystemExit):
            cli.build_parser().parse_args(argv)
        return err.getvalue()

    ours = [error_of(a) for a in (["run"], ["run", "--seed", "x", "a"], ["state", "--bogus"])]
    monkeypatch.setattr(cli, "_Formatter", argparse.HelpFormatter)
    assert ours == [
        error_of(a) for a in (["run"], ["run", "--seed", "x", "a"], ["state", "--bogus"])
    ]


def test_a_run_does_not_load_shutil() -> None:
    code = "import sys\nfrom simulator.cli import main\nmain(sys.argv[1:])\nprint('shutil' in sys.modules)"
    scenario = "scenarios/libvirt/dynamic-start-and-shutdown.txtar"
    done = subprocess.run(
        [sys.executable, "-c", code, "run", scenario],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "False"


def test_only_seclab_itself_freezes_its_startup_objects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """main() without arguments is the seclab process: it may gc.freeze what it loaded; a
    caller's main([...]) leaves the caller's garbage collector alone."""
    import gc

    before = gc.get_freeze_count()
    assert cli.main(["run", str(ROOT / "scenarios/libvirt/dynamic-start-and-shutdown.txtar")]) == 0
    assert gc.get_freeze_count() == before
    capsys.readouterr()
    code = (
        "import gc, sys\n"
        "from simulator.cli import main\n"
        "sys.argv = ['seclab', 'run', sys.argv[1]]\n"
        "status = main()\n"
        "print(status, gc.get_freeze_count() > 0)\n"
    )
    scenario = "scenarios/libvirt/dynamic-start-and-shutdown.txtar"
    done = subprocess.run(
        [sys.executable, "-c", code, scenario], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 True"
