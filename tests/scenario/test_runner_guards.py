"""The runner refuses what tests nothing and bounds what runs forever (issue 11 part 3),
and one bad scenario never ends the run (issue 19 item 10)."""

from __future__ import annotations

import difflib
import multiprocessing
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulator
from simulator.cli import main
from simulator.host import Host
from simulator.scenario import diff as diff_module
from simulator.scenario.diff import replacement_opcodes, unified_diff
from simulator.scenario.runner import load, run_path, setup
from simulator.scenario.suite import run_all

GOOD = "t\n-- transcript --\n  $ echo a\n  a\n"
BAD = "t\n-- transcript --\n  $ echo a\n  b\n"
HANG = "lab-test-hang"


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


# -- nothing collected ---------------------------------------------------------------------------


def test_an_empty_folder_exits_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path)]) == 5
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"seclab: no scenarios (*.txtar) found in {tmp_path}\n"


def test_k_without_a_match_exits_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "a.txtar", GOOD)
    assert main(["run", str(tmp_path), "-k", "nomatch"]) == 5
    assert capsys.readouterr().err == "seclab: no scenario matches -k 'nomatch' (1 deselected)\n"


# -- --update ------------------------------------------------------------------------------------


def test_update_exits_0_and_says_what_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "s.txtar", BAD + "  $ echo c\n  $ echo d\n  d\n")
    assert main(["run", "--update", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"updated {path}: output of 2 commands (lines 3, 5)\n" in out
    assert out.endswith("0 passed, 1 failed, 1 updated\n")
    assert path.read_text() == GOOD + "  $ echo c\n  c\n  $ echo d\n  d\n"
    assert main(["run", str(path)]) == 0


def test_update_of_an_unwritable_file_is_not_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "s.txtar", BAD)
    real_write = Path.write_text

    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", refuse)
    assert main(["run", "--update", str(path)]) == 1
    assert f"seclab: cannot update {path}: Permission denied\n" in capsys.readouterr().err


def test_update_with_an_error_elsewhere_is_not_success(tmp_path: Path) -> None:
    _write(tmp_path, "a.txtar", BAD)
    _write(tmp_path, "b.txtar", "t\n")
    assert main(["run", "--update", str(tmp_path)]) == 1


# -- JUnit and other paths -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("nosuch/report.xml", "No such file or directory"),
        ("good.txtar/report.xml", "Not a directory"),
        (".", "Is a directory"),
    ],
)
def test_junit_path_is_checked_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, reason: str
) -> None:
    good = _write(tmp_path, "good.txtar", GOOD)
    report = tmp_path / target
    assert main(["run", str(good), "--junit-xml", str(report)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing ran
    assert captured.err == f"seclab: cannot write JUnit report {report}: {reason}\n"


def test_junit_report_is_well_formed(tmp_path: Path) -> None:
    _write(tmp_path, "s/good.txtar", GOOD)
    _write(tmp_path, "s/bad.txtar", BAD.replace("  b\n", "  \\x1b[0m (esc)\n"))
    _write(tmp_path, "s/broken.txtar", "t\n")
    report = tmp_path / "report.xml"
    assert main(["run", str(tmp_path / "s"), "--junit-xml", str(report)]) == 1
    text = report.read_text()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<testsuite ')
    assert text.endswith("</testsuite>\n")
    suite = ET.fromstring(text.encode())
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    assert float(suite.get("time", "x")) >= 0
    cases = suite.findall("testcase")
    assert all(float(case.get("time", "x")) >= 0 for case in cases)
    assert [c.get("name", "").rsplit("/", 1)[1] for c in cases] == [
        "bad.txtar",
        "broken.txtar",
        "good.txtar",
    ]


def test_render_into_an_existing_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.txtar", GOOD)
    assert main(["render", str(good), "-o", str(good)]) == 2
    assert capsys.readouterr().err == f"seclab: -o {good}: Not a directory\n"
    assert main(["render", str(good), "-o", str(good / "sub")]) == 2
    assert capsys.readouterr().err == f"seclab: -o {good / 'sub'}: Not a directory\n"
    assert main(["render", str(good), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "good.md").read_text().startswith("# t\n")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--from-state", "{dir}"],
        ["run", "--from-state", "{dir}/latin1.json"],
        ["run", "--from-state", "{dir}/bad.json"],
        ["run", "{dir}/latin1.json"],
        ["render", "{dir}/latin1.json"],
        ["state", "{dir}"],
        ["state", "{dir}/latin1.json"],
        ["render", "{dir}/empty"],
        ["run", "{dir}/" + "a" * 5000],
        ["render", "{dir}/" + "a" * 5000],
        ["state", "{dir}/" + "a" * 5000],
        ["run", "--junit-xml", "{dir}/" + "a" * 5000 + "/x.xml", "{dir}/good.txtar"],
        ["run", "--junit-xml", "{dir}/" + "a" * 5000, "{dir}/good.txtar"],
        ["render", "{dir}/good.txtar", "-o", "{dir}/" + "a" * 5000],
    ],
)
def test_path_problems_are_never_internal_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    (tmp_path / "latin1.json").write_bytes(b"\xff\xfe")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "empty").mkdir()
    good = _write(tmp_path, "good.txtar", GOOD)
    argv = [a.format(dir=tmp_path) for a in args]
    if argv[0] == "run" and argv[1] == "--from-state":
        argv.append(str(good))
    status = main(argv)
    err = capsys.readouterr().err
    assert status in (1, 2, 5)
    assert "internal error" not in err
    assert "Traceback" not in err


# -- one bad scenario ----------------------------------------------------------------------------


def _exploding_run(self: Host, command_line: str) -> object:
    if command_line == "explode":
        raise KeyError(2)
    if command_line == "recurse":
        raise RecursionError("maximum recursion depth exceeded")
    if command_line.startswith(HANG):
        while True:
            time.sleep(0.01)
    return _REAL_RUN(self, command_line)


_REAL_RUN = Host.run


@pytest.fixture
def warm() -> None:
    """Import every command before a timed run, so a loaded machine's first import is
    not what a short timeout measures."""
    Host().run("true")


def test_a_model_exception_is_that_scenarios_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Host, "run", _exploding_run)
    bad = _write(tmp_path, "a.txtar", "t\n-- transcript --\n  $ true\n  $ explode\n")
    _write(tmp_path, "b.txtar", GOOD)
    result = simulator.run_scenario(str(bad))
    assert result.verdict == "ERROR"
    assert result.error == f"{bad}:4: internal error in the lab (KeyError)"
    assert main(["run", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.endswith("1 passed, 0 failed, 1 errors\n")
    deep = _write(tmp_path, "c.txtar", "t\n-- transcript --\n  $ recurse\n")
    assert simulator.run_scenario(str(deep)).error == f"{deep}:3: the command is nested too deeply"


def test_bad_scenarios_do_not_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = "a = " + "[" * 3000 + "]" * 3000  # TOML deeper than the loader takes
    _write(tmp_path, "1.txtar", "t\n-- transcript --\n  $ echo\n  \\N{bogus} (esc)\n")
    _write(
        tmp_path,
        "2.txtar",
        't\n-- scenario.toml --\n[files."/a"]\nowner = "nobodyx:nobodyx"\n'
        "-- transcript --\n  $ true\n",
    )
    _write(tmp_path, "3.txtar", f"t\n-- scenario.toml --\n{nested}\n-- transcript --\n  $ true\n")
    _write(tmp_path, "4.txtar", GOOD)
    assert main(["run", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:4]] == ["ERROR"] * 3 + ["PASS"]
    assert lines[-1] == "1 passed, 0 failed, 3 errors"
    for path in ("1", "2", "3"):
        result = simulator.run_scenario(str(tmp_path / f"{path}.txtar"))
        assert result.verdict == "ERROR"


# -- timeouts ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("warm")
def test_a_runaway_scenario_times_out_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Host, "run", _exploding_run)
    hang = _write(tmp_path, "a.txtar", f"t\n-- transcript --\n  $ true\n  $ {HANG}\n  > more\n")
    _write(tmp_path, "b.txtar", GOOD)
    assert main(["run", "--timeout", "2", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out == (
        f"TIMEOUT {hang}:4: timed out after 2 s on: {HANG}\n"
        f"PASS {tmp_path / 'b.txtar'}\n"
        "1 passed, 0 failed, 1 timed out\n"
    )
    result = simulator.run_scenario(str(hang), timeout=1)
    assert result.verdict == "TIMEOUT"
    assert result.timeout == f"{hang}:4: timed out after 1 s on: {HANG}"


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="workers must inherit the patch"
)
@pytest.mark.usefixtures("warm")
def test_timeouts_work_with_j(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Host, "run", _exploding_run)
    _write(tmp_path, "a.txtar", f"t\n-- transcript --\n  $ {HANG}\n")
    _write(tmp_path, "b.txtar", GOOD)
    paths = sorted(str(p) for p in tmp_path.glob("*.txtar"))
    reports = run_all(paths, jobs=2, timeout=2)
    assert [r.verdict for r in reports] == ["TIMEOUT", "PASS"]


def test_a_deadline_inside_another_keeps_the_outer_one() -> None:
    from simulator.scenario.deadline import ScenarioTimeout, deadline

    def nested() -> None:
        with deadline(0.5):
            with deadline(30):
                pass
            end = time.monotonic() + 5
            while time.monotonic() < end:
                time.sleep(0.01)

    with pytest.raises(ScenarioTimeout):
        nested()


def test_timeout_option_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("x", "-1", "nan", "inf"):
        with pytest.raises(SystemExit) as info:
            main(["run", "--timeout", bad, "."])
        assert info.value.code == 2
        assert f"invalid number of seconds: '{bad}'" in capsys.readouterr().err


# -- from = --------------------------------------------------------------------------------------


def test_from_chains_scenarios(tmp_path: Path) -> None:
    _write(
        tmp_path, "steps/01.txtar", "t\n-- transcript --\n  $ touch /srv/one\n  $ setenforce 0\n"
    )
    _write(
        tmp_path,
        "steps/02.txtar",
        't\n-- scenario.toml --\nfrom = "01.txtar"\n-- transcript --\n  $ touch /srv/two\n',
    )
    third = _write(
        tmp_path,
        "other/03.txtar",
        't\n-- scenario.toml --\nfrom = "../steps/02.txtar"\n-- transcript --\n'
        "  $ ls /srv\n  one\n  two\n  $ getenforce\n  Permissive\n",
    )
    assert run_path(str(third)).verdict == "PASS", run_path(str(third)).diff
    # an edit of the first step is seen through the chain (no stale cached state)
    _write(tmp_path, "steps/01.txtar", "t\n-- transcript --\n  $ touch /srv/uno\n")
    assert "+  uno" in run_path(str(third)).diff


def test_setup_only_starts_on_the_chain(tmp_path: Path) -> None:
    _write(tmp_path, "01.txtar", "t\n-- transcript --\n  $ touch /srv/one\n")
    second = _write(
        tmp_path,
        "02.txtar",
        't\n-- scenario.toml --\nfrom = "01.txtar"\n-- transcript --\n  $ touch /srv/two\n'
        "-- /srv/file --\n",
    )
    host = setup(load(str(second)))
    assert host.run("ls /srv").output == "file\none\n"


def test_from_settings_named_in_the_file_apply_on_top(tmp_path: Path) -> None:
    _write(tmp_path, "01.txtar", "t\n-- transcript --\n  $ setenforce 0\n")
    second = _write(
        tmp_path,
        "02.txtar",
        't\n-- scenario.toml --\nfrom = "01.txtar"\nenforcing = true\n'
        "-- transcript --\n  $ getenforce\n  Enforcing\n",
    )
    assert run_path(str(second)).passed


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a": "a.txtar"}, "a.txtar:3: 'from' makes a cycle: a.txtar -> a.txtar"),
        (
            {"a": "b.txtar", "b": "c.txtar", "c": "a.txtar"},
            "c.txtar:3: 'from' makes a cycle: a.txtar -> b.txtar -> c.txtar -> a.txtar",
        ),
        ({"a": "nosuch.txtar"}, "a.txtar:3: from: "),
    ],
)
def test_from_errors(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, start in files.items():
        _write(
            tmp_path,
            f"{name}.txtar",
            f't\n-- scenario.toml --\nfrom = "{start}"\n-- transcript --\n  $ true\n',
        )
    result = run_path(str(tmp_path / "a.txtar"))
    assert result.verdict == "ERROR"
    assert result.error is not None
    assert message in result.error
    assert result.error.startswith(f"{tmp_path / 'a.txtar'}:3: ")
    assert "\n" not in result.error


def test_from_a_broken_scenario_names_both(tmp_path: Path) -> None:
    _write(tmp_path, "a.txtar", "t\n-- transcript --\n  $ explode (\n")
    second = _write(
        tmp_path,
        "b.txtar",
        't\n-- scenario.toml --\nfrom = "a.txtar"\n-- transcript --\n  $ true\n',
    )
    error = run_path(str(second)).error
    assert error is not None
    assert error.startswith(f"{second}:3: from: {tmp_path / 'a.txtar'}:3: bash: syntax error")


def test_from_runs_under_pytest(pytester: pytest.Pytester) -> None:
    pytester.makefile(".txtar", a="t\n-- transcript --\n  $ touch /srv/kept\n")
    pytester.makefile(
        ".txtar",
        b='t\n-- scenario.toml --\nfrom = "a.txtar"\n-- transcript --\n  $ ls /srv\n  kept\n',
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# -- the pytest plugin collects only scenarios ---------------------------------------------------


def test_pytest_leaves_other_txtar_alone(pytester: pytest.Pytester) -> None:
    pytester.mkdir("testdata")
    (pytester.path / "testdata" / "golden.txtar").write_text("-- input --\nx\n-- output --\ny\n")
    pytester.makefile(".txtar", good=GOOD)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    named = pytester.runpytest("-p", "no:cacheprovider", "testdata/golden.txtar")
    named.assert_outcomes(failed=1)
    named.stdout.fnmatch_lines(["*golden.txtar:1: missing '-- transcript --' entry*"])


def test_pytest_ini_names_scenarios_to_collect(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nseclab_scenarios =\n    scen/*.txtar\n")
    pytester.mkdir("scen")
    (pytester.path / "scen" / "broken.txtar").write_text("t\n-- transcrpt --\n  $ true\n")
    (pytester.path / "other.txtar").write_text("t\n-- transcrpt --\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken.txtar:1: missing '-- transcript --' entry*"])


def test_pytest_reports_a_timeout(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nseclab_timeout = 2\n")
    pytester.makeconftest(
        "from simulator.host import Host\n"
        "real = Host.run\n"
        "def run(self, line):\n"
        "    while line == 'spin':\n"
        "        pass\n"
        "    return real(self, line)\n"
        "Host.run = run\n"
    )
    pytester.makefile(".txtar", spin="t\n-- transcript --\n  $ spin\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["TIMEOUT *spin.txtar:3: timed out after 2 s on: spin"])


# -- the diff --------------------------------------------------------------------------------------

lines = st.lists(st.sampled_from(["a", "b", "c", "  $ x", ""]), max_size=12)


def _patch(before: list[str], diff: str) -> list[str]:
    """Apply a unified diff, checking every hunk header against the lines it holds."""
    out: list[str] = []
    done = 0
    body = diff.splitlines()[2:]
    i = 0
    while i < len(body):
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", body[i])
        assert header is not None, body[i]
        start, count = int(header.group(1)), int(header.group(2) or 1)
        new_count = int(header.group(4) or 1)
        start = start - 1 if count else start
        out += before[done:start]
        assert len(out) == (int(header.group(3)) - 1 if new_count else int(header.group(3)))
        i += 1
        seen_old = seen_new = 0
        while i < len(body) and not body[i].startswith("@@"):
            tag, text = body[i][0], body[i][1:]
            if tag in " -":
                assert before[start + seen_old] == text
                seen_old += 1
            if tag in " +":
                out.append(text)
                seen_new += 1
            i += 1
        assert (seen_old, seen_new) == (count, new_count)
        done = start + count
    return out + before[done:]


@given(before=lines, after=lines, cut=st.integers(0, 12))
def test_the_diff_turns_expected_into_actual(before: list[str], after: list[str], cut: int) -> None:
    cut = min(cut, len(before))
    changes = [(cut, len(before), before[cut:], after)]
    opcodes = replacement_opcodes(len(before), changes)
    new = before[:cut] + after
    text = unified_diff(before, new, opcodes, ("x", "y"))
    assert (text == "") == (before == new)
    assert _patch(before, text) == new


def test_the_diff_is_difflibs_text() -> None:
    before = ["t", "-- transcript --", "  $ echo a", "  b", "  $ true", "x", "y", "z", "w", "v"]
    after = [*before[:3], "  a", *before[4:]]
    opcodes = replacement_opcodes(10, [(3, 4, ["  b"], ["  a"])])
    theirs = difflib.unified_diff([f"{s}\n" for s in before], [f"{s}\n" for s in after], "x", "y")
    assert unified_diff(before, after, opcodes, ("x", "y")) == "".join(theirs)


def test_a_large_change_is_not_matched_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """8,000 changed lines: compared as one replacement, never by the quadratic matcher."""
    calls: list[int] = []

    class Counting(difflib.SequenceMatcher[str]):
        def __init__(self, junk: None, a: list[str], b: list[str], autojunk: bool = True) -> None:
            calls.append(len(a) * len(b))
            super().__init__(junk, a, b, autojunk)

    monkeypatch.setattr(diff_module.difflib, "SequenceMatcher", Counting)
    before = [f"line {i}" for i in range(8000)]
    after = [f"line {i * 7 % 8000}" for i in range(8000)]
    opcodes = replacement_opcodes(8000, [(0, 8000, before, after)])
    text = unified_diff(before, after, opcodes, ("x", "y"))
    assert max(calls, default=0) <= diff_module.MATCHER_BUDGET
    assert text.count("\n-line ") == 7999  # line 0 is common to both
    assert text.count("\n+line ") == 7999
