"""The faces: ``seclab run``, determinism, no real I/O, and the pytest plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"

pytest_plugins = ["pytester"]


def _seclab(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def test_run_reports_and_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txtar"
    good.write_text("t\n-- transcript --\n  $ echo a\n  a\n")
    bad = tmp_path / "bad.txtar"
    bad.write_text("t\n-- transcript --\n  $ echo a\n  b\n")
    broken = tmp_path / "broken.txtar"
    broken.write_text("t\n")
    assert main(["run", str(good)]) == 0
    assert main(["run", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"ERROR {broken}:1: missing '-- transcript --' entry\n" in out
    assert f"FAIL {bad}\n" in out
    assert out.endswith("1 passed, 1 failed, 1 errors\n")
    assert main(["run", str(tmp_path), "-k", "good"]) == 0
    junit = tmp_path / "report.xml"
    main(["run", str(good), "--junit-xml", str(junit)])
    assert 'tests="1"' in junit.read_text()


def test_state_of_a_scenario_feeds_from_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.txtar"
    first.write_text("t\n-- transcript --\n  $ touch /srv/kept\n")
    assert main(["state", str(first)]) == 0
    saved = tmp_path / "saved.json"
    saved.write_text(capsys.readouterr().out)
    second = tmp_path / "second.txtar"
    second.write_text("t\n-- transcript --\n  $ ls /srv/kept\n  /srv/kept\n")
    assert main(["run", "--from-state", str(saved), str(second)]) == 0
    assert main(["run", str(second)]) == 1
    assert main(["state", str(tmp_path / "nosuch.txtar")]) == 2
    assert "nosuch.txtar:1: cannot read scenario: No such file or directory" in (
        capsys.readouterr().err
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["bogus"])
    assert info.value.code == 2
    assert main(["run", "/nosuch/path"]) == 2
    err = capsys.readouterr().err
    assert "seclab: no such file or directory: /nosuch/path" in err


def test_the_suite_is_deterministic() -> None:
    """Byte-identical output under different hash seeds and with -j 2."""
    outputs = {
        _seclab("run", "scenarios", env={"PYTHONHASHSEED": "1"}).stdout,
        _seclab("run", "scenarios", env={"PYTHONHASHSEED": "4242"}).stdout,
        _seclab("run", "-j", "2", "scenarios", env={"PYTHONHASHSEED": "7"}).stdout,
    }
    assert len(outputs) == 1
    assert next(iter(outputs)).endswith(" failed\n")


def test_a_scenario_does_no_real_io() -> None:
    """Run a whole scenario under an audit hook that refuses writes, xattrs, owners,
    processes and sockets on the real host."""
    code = r"""
import sys
from simulator.scenario.runner import load, run
scenario = load(sys.argv[1])
from simulator.shell.commands import load_all
load_all()
armed = []
def hook(event, args):
    if not armed:
        return
    if event == "open":
        mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if any(c in mode for c in "wax+") or flags & 3:
            raise RuntimeError(f"real write: {args[0]}")
    if event in ("os.setxattr", "os.chown", "os.removexattr", "subprocess.Popen",
                 "socket.connect", "socket.bind", "os.system", "os.exec", "os.posix_spawn"):
        raise RuntimeError(f"real {event}")
sys.addaudithook(hook)
armed.append(True)
result = run(scenario)
armed.clear()
print(result.verdict)
"""
    path = str(SCENARIOS / "files" / "setfattr-removal-loop.txtar")
    done = subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.stdout.strip() == "PASS", done.stderr


def test_pytest_collects_scenarios(pytester: pytest.Pytester) -> None:
    pytester.makefile(".txtar", good="t\n-- transcript --\n  $ echo a\n  a\n")
    pytester.makefile(".txtar", bad="t\n-- transcript --\n  $ echo a\n  b\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*-  b*", "*+  a*"])


def test_lab_host_fixture(lab_host: object) -> None:
    from simulator.host import Host

    assert isinstance(lab_host, Host)


def test_shell_starts_after_or_before_a_scenario() -> None:
    scenario = str(SCENARIOS / "walkthrough" / "02-dynamic-labelling.txtar")
    typed = "virsh list --all --name\nexit\n"
    after = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "shell", scenario],
        input=typed,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    before = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "shell", "--setup-only", scenario],
        input=typed,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (after.returncode, before.returncode) == (0, 0)
    assert "addon" in after.stdout  # defined and started by the transcript
    assert "addon" not in before.stdout  # only the files are in place
    assert after.stderr == before.stderr == ""
