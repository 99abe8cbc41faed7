"""The compound commands' tree nodes (``simulator.shell.syntax_compound``) load with the
first line that has one: a session of simple commands and pipelines never makes their
classes (issue 15: the start of a one-scenario run), and a line that has one parses and
runs the same whether it came first or not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
import simulator
host = simulator.Host()
out = []
for line in json.loads(sys.argv[1]):
    before = "simulator.shell.syntax_compound" in sys.modules
    result = host.run(line)
    out.append([before, result.output, result.status])
print(json.dumps(out))
"""

SIMPLE = ["echo a | grep a && ls -d /root; echo $((1 + 2)) ~ $(echo x) >/dev/null"]
COMPOUND = [
    "for i in 1 2; do if [ $i = 2 ]; then echo two; fi; done",
    "f() { case $1 in a) echo A;; esac; }; f a; { echo g; } > /dev/null; (( 1 )) && [[ x ]]",
]


def _probe(lines: list[str]) -> list[list[object]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(lines)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: list[list[object]] = json.loads(done.stdout)
    return result


def test_simple_lines_do_not_load_the_compound_nodes_and_compound_lines_do() -> None:
    simple_first = _probe(SIMPLE + COMPOUND)
    compound_first = _probe(COMPOUND + SIMPLE)
    assert [loaded for loaded, _, _ in simple_first] == [False, False, True]
    assert [loaded for loaded, _, _ in compound_first] == [False, True, True]
    outputs = {
        line: result[1:] for line, result in zip(SIMPLE + COMPOUND, simple_first, strict=True)
    }
    assert outputs[COMPOUND[0]] == ["two\n", 0]
    assert outputs[COMPOUND[1]] == ["A\n", 0]
    for line, result in zip(COMPOUND + SIMPLE, compound_first, strict=True):
        assert result[1:] == outputs[line], line
