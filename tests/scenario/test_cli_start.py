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


def test_the_parser_knows_every_profile_by_name() -> None:
    from simulator.system.profiles import PROFILES

    assert tuple(sorted(PROFILES)) == cli.PROFILE_NAMES


def test_building_the_parser_loads_no_model() -> None:
    """What ``seclab --help``, ``--version`` and a usage error cost: the parser, not the host
    model (the profiles, the kernel, attrs' class generation), not even typing; a ``run``
    loads those once it runs."""
    code = (
        "import sys\n"
        "from simulator import cli\n"
        "cli.build_parser().parse_args(['run', '--profile', 'ol8', 'x.txtar'])\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded = set(done.stdout.split())
    assert "simulator.cli" in loaded
    assert {m for m in loaded if m.startswith("simulator.")} <= {
        "simulator.__about__",
        "simulator.cli",
        "simulator.errors",
    }
    assert not loaded & {"attr", "typing"}


def test_import_simulator_loads_neither_the_model_nor_typing() -> None:
    """``import simulator`` is the version, the errors and a lazy ``simulator.Host``: not the
    model, not attrs, not even typing (with the re, enum and collections it loads)."""
    code = "import sys\nimport simulator\nprint(' '.join(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded = set(done.stdout.split())
    assert {m for m in loaded if m.startswith("simulator")} == {
        "simulator",
        "simulator.__about__",
        "simulator.errors",
    }
    assert not loaded & {"typing", "attr", "attrs"}
