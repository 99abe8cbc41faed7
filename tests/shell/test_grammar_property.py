"""The grammar is total: every text parses or gets bash's error, within a step bound
linear in its length (counted, not timed), and the shell runs it within its own bound."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.shell.syntax import Budget, ShellSyntaxError, SyntaxNotModelled, _Parser, step_bound

PYTHON_TEXT = (
    "Traceback",
    "invalid literal",
    "codec can't",
    "object has no attribute",
    "maketrans",
    "is not within",
    "NoneType",
    "unsupported operand",
    "internal error",
)

# The characters bash gives a meaning to, weighted over the rest of Unicode.
SHELL_CHARS = st.sampled_from(list("$(){}[]<>|&;'\"`\\#!*?~=-+/%:,.@^ \t\n0123456789abcdefx"))
# What a terminal can send: text that encodes as UTF-8 (no lone surrogates, which Host.run
# refuses on purpose).
SHELL_TEXT = st.lists(st.one_of(SHELL_CHARS, st.characters(codec="utf-8")), max_size=60).map(
    "".join
)
TOKENS = st.sampled_from(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "for",
        "in",
        "do",
        "done",
        "while",
        "until",
        "case",
        "esac",
        "{",
        "}",
        "(",
        ")",
        "((",
        "))",
        "[[",
        "]]",
        "$(",
        "$((",
        "${",
        "}",
        "`",
        "'",
        '"',
        ";",
        ";;",
        ";&",
        "&",
        "&&",
        "||",
        "|",
        "|&",
        "<",
        ">",
        ">>",
        ">&",
        "<&",
        "&>",
        "2>&1",
        "<<EOF",
        "<<-",
        "<<<",
        "\n",
        "EOF",
        "!",
        "function",
        "f()",
        "echo",
        "x",
        "$x",
        "${#x}",
        "${x:-y}",
        "${x/a/b}",
        "{a,b}",
        "{1..3}",
        "~",
        "*",
        "?",
        "[a]",
        "\\",
    ]
)
TOKEN_TEXT = st.lists(TOKENS, max_size=25).map(" ".join)
BYTES_TEXT = st.binary(max_size=60).map(lambda b: b.decode("utf-8", "replace"))


def nested(depth: int, opener: str, closer: str, inner: str = "echo x") -> str:
    return opener * depth + inner + closer * depth


def parse_counted(text: str) -> int:
    """Parses ``text`` as the shell does and returns the steps it took."""
    source = text if text.endswith("\n") else text + "\n"
    budget = Budget(step_bound(source))
    parser = _Parser(source, budget)
    message = ""
    try:
        parser.parse_all()
    except SyntaxNotModelled as error:
        message = str(error)
        assert "parser steps" not in message, f"step bound exceeded on {text!r}"
    except ShellSyntaxError as error:
        message = str(error)
    assert not message or message.startswith(("bash: ", "seclab: not modelled: ")), message
    return budget.steps


@settings(deadline=None)
@given(st.one_of(SHELL_TEXT, TOKEN_TEXT, BYTES_TEXT))
def test_every_text_parses_or_errors_within_the_step_bound(text: str) -> None:
    assert parse_counted(text) <= step_bound(text + "\n")


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=400),
    st.sampled_from(
        [
            ("(", ")"),
            ("{ ", "; }"),
            ("$(", ")"),
            ("$((", "))"),
            ("if true; then ", "; fi"),
            ('"$(', ')"'),
            ("${x:-", "}"),
            ("`", "`"),
            ("[[ ", " ]]"),
            ("while false; do ", "; done"),
        ]
    ),
    st.booleans(),
)
def test_deep_nesting_is_bounded(depth: int, pair: tuple[str, str], closed: bool) -> None:
    text = nested(depth, pair[0], pair[1] if closed else "")
    assert parse_counted(text) <= step_bound(text + "\n")
    result = simulator.Host().run(text)
    assert result.status != 70, result.output
    assert "internal error" not in result.output


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.one_of(SHELL_TEXT, TOKEN_TEXT, BYTES_TEXT))
def test_the_shell_runs_every_text_to_an_end(text: str) -> None:
    host = simulator.Host()
    result = host.run(text)
    assert result.status != 70, result.output
    for marker in PYTHON_TEXT:
        assert marker not in result.output, result.output
    assert host.session.steps <= simulator.shell.interpreter.MAX_STEPS + 1
