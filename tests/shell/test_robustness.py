"""No command line, however odd, gets a Python error to the user (non-negotiable 4):
command lines generated from the shell's whole grammar and the whole command list must
never end in an internal error (exit 70), never run past the step bound, and never print
text only Python prints."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
import simulator.shell.commands
from simulator.shell.interpreter import MAX_STEPS
from simulator.shell.registry import COMMANDS

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
    "Error(",
    "Exception",
)

WORDS = [
    "-l",
    "-Z",
    "-d",
    "-a",
    "-R",
    "-n",
    "-t",
    "-v",
    "-F",
    "-m",
    "-",
    "--",
    "x",
    "/",
    "/dev/sda",
    "/root",
    "/tmp",
    "/var/lib/libvirt/images",
    "vm",
    "1",
    "0",
    "on",
    "-9",
    "--all",
    "-e",
    "hex",
    "a=b",
    "s0:c1",
    "c5.c2",
    "s0:c1024",
    "/proc/2000/root",
    "2000",
    "1",
    "62",
    "812",
    "1043",
    "start",
    "list",
    "fault",
    "add",
    "step",
    "state",
    "explain",
    "trace",
    "-c",
    "%n",
    "--json",
    "--since",
    "-p",
    "-s",
    "-o",
    "-f",
    "-k",
    "-u",
]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(sorted(COMMANDS)), st.lists(st.sampled_from(WORDS), max_size=5))
def test_no_command_line_raises_an_internal_error(name: str, args: list[str]) -> None:
    check(" ".join([name, *args]))


def check(line: str) -> None:
    host = simulator.Host()
    result = host.run(line)
    assert result.status != 70, result.output
    for marker in PYTHON_TEXT:
        assert marker not in result.output, result.output
    assert host.session.steps <= MAX_STEPS + 1


# -- command lines from the grammar ------------------------------------------------------------

ARG = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(
        [
            "$x",
            '"$x"',
            "${x:-d}",
            "${#x}",
            "${x%/*}",
            "${x//a/b}",
            "$((1+2))",
            "$(( x / 0 ))",
            "$?",
            "$#",
            '"$@"',
            "~",
            "~/x",
            "{a,b}",
            "{1..3}",
            "*",
            "/etc/*",
            "*/",
            "'a b'",
            "$'\\x41'",
            "`echo q`",
            "$(echo /tmp)",
            "\\",
            "abc",
            "-",
        ]
    ),
)
REDIRECT = st.sampled_from(
    [
        "",
        " >/tmp/out",
        " >>/tmp/out",
        " 2>/tmp/err",
        " 2>&1",
        " >&2",
        " 1>&2",
        " &>/tmp/both",
        " &>>/tmp/both",
        " </etc/passwd",
        " </nosuch",
        " 2>/dev/null",
        " <<<'a b'",
        " 3>/tmp/x",
        " >/nosuch/dir/f",
    ]
)


@st.composite
def simple(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(COMMANDS)))
    args = draw(st.lists(ARG, max_size=4))
    prefix = draw(st.sampled_from(["", "x=/var/lib ", "x='a b' "]))
    return prefix + " ".join([name, *args]) + draw(REDIRECT)


def compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, inner).map(lambda t: f"{t[0]} | {t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} && {t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} || {t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}; {t[1]}"),
        inner.map(lambda c: f"{{ {c}; }}"),
        inner.map(lambda c: f"( {c} )"),
        inner.map(lambda c: f"echo $({c})"),
        inner.map(lambda c: f"! {c}"),
        st.tuples(inner, inner).map(lambda t: f"if {t[0]}; then {t[1]}; else :; fi"),
        inner.map(lambda c: f"for x in a b; do {c}; done"),
        inner.map(lambda c: f"i=0; while [ $i -lt 2 ]; do {c}; i=$((i+1)); done"),
        inner.map(lambda c: f"printf 'l1\\nl2\\n' | while read l; do {c}; done"),
        inner.map(lambda c: f"case $x in a*) {c};; *) :;; esac"),
        inner.map(lambda c: f"f() {{ local y=1; {c}; return 3; }}; f a b"),
        inner.map(lambda c: f"[[ -n $x && $x == /* ]] && {c}"),
        inner.map(lambda c: f"(( x = 2 * 3 )); {c}"),
        inner.map(lambda c: f"cat <<EOF\n$x {c}\nEOF"),
    )


LINES = st.recursive(simple(), compound, max_leaves=4)


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(LINES)
def test_no_line_of_the_grammar_raises_an_internal_error(line: str) -> None:
    check(line)
