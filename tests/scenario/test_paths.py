"""``seclab run FILE`` names and opens scenario paths exactly as pathlib did, without
loading pathlib at start (simulator.scenario.paths)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.paths import is_dir, pure_path
from simulator.scenario.runner import load
from simulator.scenario.suite import discover

ROOT = Path(__file__).resolve().parents[2]


@given(st.text(alphabet="/.ab", max_size=12))
def test_pure_path_is_pathlibs_text(text: str) -> None:
    assert pure_path(text) == str(PurePosixPath(text))


def test_is_dir_and_discover_agree_with_pathlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "one.txtar").write_text("t\n")
    (tmp_path / "d" / "e" / "two.txtar").write_text("t\n")
    (tmp_path / "f.txtar").write_text("t\n-- transcript --\n  $ echo a\n  a\n")
    base = str(tmp_path)
    givens = [
        base,
        base + "/d/",
        base + "//d/./e",
        base + "/f.txtar",
        base + "/f.txtar/",
        base + "/f.txtar/x",
        base + "/missing.txtar",
        base + "/nul\0byte",
        "",
        ".",
    ]
    monkeypatch.chdir(tmp_path / "d")
    for text in givens:
        assert is_dir(pure_path(text)) == Path(text).is_dir(), text
        path = Path(text)
        expected = sorted(str(p) for p in path.rglob("*.txtar")) if path.is_dir() else [str(path)]
        assert discover([text]) == expected, text
    scenario = load(base + "//f.txtar/")  # opened as Path(...).read_text opened it
    assert scenario.title == "t"


def test_run_one_file_loads_no_pathlib() -> None:
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        "status = main(['run', sys.argv[1]])\n"
        "print(status, 'pathlib' in sys.modules, 'simulator.shell.commands.semanage' in sys.modules)\n"
    )
    scenario = "scenarios/libvirt/dynamic-start-and-shutdown.txtar"
    done = subprocess.run(
        [sys.executable, "-c", code, scenario], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 False False"
