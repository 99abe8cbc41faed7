"""Shell benchmarks: parsing a long script, and a loop of 1000 iterations."""

from __future__ import annotations

from typing import Any

import simulator
from simulator.shell.syntax import parse

SCRIPT = "\n".join(
    f'for f in /var/lib/libvirt/images/*.qcow2; do [[ -f $f ]] && echo "${{f##*/}} {i}" | '
    f"grep -c qcow2 >/dev/null 2>&1 || {{ x=$((x + {i})); }}; done"
    for i in range(100)
)


def test_parse_a_100_line_script(benchmark: Any) -> None:
    parsed = benchmark(parse, SCRIPT)
    assert parsed.node is not None


def test_a_loop_of_1000_iterations(benchmark: Any) -> None:
    host = simulator.Host()

    def loop() -> str:
        return host.run(
            'i=0; while (( i < 1000 )); do x="${i}a"; i=$((i + 1)); done; echo $i'
        ).output

    assert benchmark(loop) == "1000\n"
