"""The shell against real bash: each case of data/bash_cases.txt, as bash printed it
(data/bash_recorded.json, made by data/record_bash.py from an interactive ``-bash``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import simulator

RECORDED = json.loads((Path(__file__).parent / "data" / "bash_recorded.json").read_text("utf-8"))


@pytest.mark.parametrize(
    "case", RECORDED["cases"], ids=[c["case"].splitlines()[0][:40] for c in RECORDED["cases"]]
)
def test_the_shell_prints_what_bash_printed(case: dict[str, object]) -> None:
    result = simulator.Host().run(str(case["case"]).rstrip("\n"))
    stderr = result.stderr.removesuffix("logout\n")  # bash's recording drops its last logout
    assert (result.stdout, stderr, result.status) == (
        case["stdout"],
        as_bash_51(str(case["stderr"])),
        case["status"],
    )


def as_bash_51(stderr: str) -> str:
    """bash 5.1 follows an unexpected EOF with the syntax error 5.2 no longer prints."""
    if stderr.startswith("-bash: unexpected EOF while looking for matching"):
        return stderr + "-bash: syntax error: unexpected end of file\n"
    return stderr


@pytest.mark.parametrize(
    ("line", "quote"),
    [("echo 'abc", "'"), ('echo "abc', '"'), ("echo $(echo", ")"), ("echo `x", "`")],
)
def test_an_unclosed_quote_is_bash_51s_two_errors(line: str, quote: str) -> None:
    """bash 5.1 parse.y: parse_matched_pair reports the EOF, then yyparse the syntax error
    (bash 5.2, which recorded the cases above, dropped the second line)."""
    result = simulator.Host().run(line)
    assert (result.output, result.status) == (
        f"-bash: unexpected EOF while looking for matching `{quote}'\n"
        "-bash: syntax error: unexpected end of file\n",
        2,
    )
