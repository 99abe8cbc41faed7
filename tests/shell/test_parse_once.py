"""A command line is parsed once: when a scenario loads (to report a syntax error with its
line) and again when it runs, or when the same line is typed again, the shell reuses the
tree, which must behave exactly as a fresh one."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.scenario.runner import load, run
from simulator.shell import syntax

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "libvirt" / "dynamic-start-and-shutdown.txtar"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the parser really parses (not answered from the kept trees), by the
    grammar or as a line of plain words."""
    seen: list[str] = []
    real = syntax._parse

    def counting(text: str) -> syntax.Parsed:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(syntax, "_parse", counting)
    monkeypatch.setattr(syntax, "_PARSED", {})
    return seen


def test_a_scenario_parses_each_line_once(parses: list[str]) -> None:
    scenario = load(str(SCENARIO))
    loaded = len(parses)
    assert loaded == len({step.command for step in scenario.steps})
    result = run(scenario)
    assert result.verdict == "PASS"
    assert len(parses) == loaded


def test_a_line_typed_again_runs_as_the_first_time(parses: list[str]) -> None:
    host = simulator.Host()
    line = "cat <<EOF\nhome is $HOME\nEOF\necho $((n += 1)) & echo no"
    first, second = host.run(line), host.run(line)
    assert first.output == second.output
    assert first.status == second.status
    assert len(parses) == 1
    heredoc = "n=0; f() { n=$((n+1)); cat <<-END\n\tcall $n\n\tEND\n}; f; f"
    assert host.run(heredoc).output == "call 1\ncall 2\n"
    assert host.run(heredoc).output == "call 1\ncall 2\n"
    assert host.run("echo 'a b'   c").output == "a b c\n"
    assert host.run("echo 'a b'   c").output == "a b c\n"


def test_a_syntax_error_is_reported_every_time(parses: list[str]) -> None:
    host = simulator.Host()
    first, second = host.run("echo (("), host.run("echo ((")
    assert first.output == second.output != ""
    assert first.status == second.status != 0


def test_only_a_bounded_number_of_lines_is_kept(parses: list[str]) -> None:
    for n in range(syntax.PARSED_LINES + 10):
        syntax.parse(f"echo {n}")
    syntax.parse("echo " + "x" * syntax.PARSED_LINE_CHARS)
    assert len(syntax._PARSED) == syntax.PARSED_LINES


def test_a_run_of_plain_characters_is_one_step_with_the_same_meaning() -> None:
    """The lexer takes a run of plain word characters at once; what follows the run (an
    extglob's '(', a tilde after '=', an expansion) still means what it means in bash."""
    for line in ("echo ab?(x)", "echo file*(y)", "ls long-name+(z)"):
        with pytest.raises(syntax.SyntaxNotModelled):
            syntax.parse(line)
    host = simulator.Host()
    out = host.run("x=abc~; y=/a/b:~/c; echo $x $y plain-word_with.dots ab'c'd e\\ f $HOME")
    assert out.output == "abc~ /a/b:/root/c plain-word_with.dots abcd e f /root\n"
