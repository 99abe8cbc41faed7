"""A line of plain words is not run through the grammar (syntax._plain_line): whatever
line it takes, the tree, warnings and step count are the grammar's, so nothing a user or a
step limit sees can change."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

from simulator.shell.syntax import RESERVED, _parse_grammar, _plain_line, parse

PLAIN = "abz09%+,-./:=?@[]^_{}*"
# Words of plain characters, reserved words, assignments and a few characters the grammar
# gives a meaning to, joined by blanks: lines on both sides of the fast path's edge.
WORD = st.text(st.sampled_from(PLAIN), min_size=1, max_size=6) | st.sampled_from(
    [*sorted(RESERVED), "x=1", "a=", "=b", "#c", "~", "a~b", "$x", "'q'", "a;b", "!", "\\", "é"]
)
LINE = st.builds(
    lambda blanks, words: (
        blanks[0] + "".join(w + b for w, b in zip(words, blanks[1:], strict=False))
    ),
    st.lists(st.sampled_from(["", " ", "\t", "  ", " \t "]), min_size=7, max_size=7),
    st.lists(WORD, min_size=0, max_size=6),
)


@settings(max_examples=500, deadline=None)
@given(LINE)
def test_a_plain_line_is_what_the_grammar_makes_of_it(line: str) -> None:
    plain = _plain_line(line)
    if plain is not None:
        assert plain == _parse_grammar(line)


def test_the_commands_of_a_session_take_the_fast_path() -> None:
    for line in (
        "virsh start vm",
        "ls -Z /var/lib/libvirt/images/vm-0.qcow2",
        "touch /var/lib/libvirt/images/a.img",
        "chcon -t svirt_image_t /srv/*.img",
    ):
        assert _plain_line(line) is not None
        assert parse(line) == _parse_grammar(line)
    for line in ("x=1 true", "if true", "echo $HOME", "ls ~", "a # b", "echo 'a'", "{ a; }"):
        assert _plain_line(line) is None
