"""A repetition of a repetition (``a**``, ``a+?``, ``a{1}{2}``) repeats the repeated atom,
as GNU regex parses it (glibc regcomp.c parse_dup_op in a loop). Expected lines are what GNU
grep 3.8 printed for the same patterns on the same lines (recorded by hand on Debian 12)."""

from __future__ import annotations

import pytest

import simulator

LINES = "fo\nf\nfoo\nbar\nxx\nx\nabab\nab\n"
CASES = [
    ("grep -E 'fo**'", "fo\nf\nfoo\n"),
    ("grep -E 'fo+*$'", "fo\nf\nfoo\n"),
    ("grep -E '^fo*?$'", "fo\nf\nfoo\n"),
    ("grep -E '^x{1}{2}$'", "xx\n"),
    ("grep -E '^(ab)*+$'", "abab\nab\n"),
    ("grep -E 'a+?b'", "bar\nabab\nab\n"),
    ("grep '^fo**$'", "fo\nf\nfoo\n"),
    ("grep '^x\\{1\\}\\{2\\}$'", "xx\n"),
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_a_repeated_repetition_matches_as_gnu_grep(command: str, expected: str) -> None:
    host = simulator.Host()
    host.write_file(host.shell, "/root/lines", LINES.encode())
    result = host.run(f"{command} /root/lines")
    assert (result.output, result.status) == (expected, 0)
