"""Modules most runs do not need load with their first use (issue 15: the start of a
one-scenario run is mostly attrs making classes): the compound commands' tree nodes with the
first line that has one, the audit records with the first audit event, the snapshot module
with the first saved or loaded state. Whatever loaded first, a line prints the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAZY = ("simulator.shell.syntax_compound", "simulator.kernel.audit", "simulator.kernel.snapshot")

PROBE = r"""
import json, sys
import simulator
host = simulator.Host()
out = []
for line in json.loads(sys.argv[1]):
    before = [name for name in LAZY if name in sys.modules]
    if line == "@deny":  # a confined process opens a file its policy does not allow
        vm = host.spawn(comm="qemu-kvm", argv=("qemu-kvm",), exe="/usr/libexec/qemu-kvm",
                        uid=0, gid=0, groups=(), context="system_u:system_r:svirt_t:s0:c1")
        try:
            host.open(vm, "/etc/libvirt/qemu.conf", 0)
        except PermissionError as error:
            out.append([before, error.strerror, 13])
        continue
    result = host.run(line)
    out.append([before, result.output, result.status])
print(json.dumps(out))
"""

SIMPLE = ["echo a | grep a && ls -d /root; echo $((1 + 2)) ~ $(echo x) >/dev/null"]
COMPOUND = [
    "for i in 1 2; do if [ $i = 2 ]; then echo two; fi; done",
    "f() { case $1 in a) echo A;; esac; }; f a; { echo g; } > /dev/null; (( 1 )) && [[ x ]]",
]
DENIAL = ["@deny", "ausearch -m avc | grep -c 'avc:  denied'"]
STATE = ["lab state --json | head -c 1"]


def _probe(lines: list[str]) -> list[list[object]]:
    done = subprocess.run(
        [sys.executable, "-c", f"LAZY = {LAZY!r}\n{PROBE}", json.dumps(lines)],
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
    compound = ["simulator.shell.syntax_compound"]
    assert [loaded for loaded, _, _ in simple_first] == [[], [], compound]
    assert [loaded for loaded, _, _ in compound_first] == [[], compound, compound]
    outputs = {line: r[1:] for line, r in zip(SIMPLE + COMPOUND, simple_first, strict=True)}
    assert outputs[COMPOUND[0]] == ["two\n", 0]
    assert outputs[COMPOUND[1]] == ["A\n", 0]
    for line, result in zip(COMPOUND + SIMPLE, compound_first, strict=True):
        assert result[1:] == outputs[line], line


def test_the_audit_records_load_with_the_first_event_and_the_snapshot_with_a_state() -> None:
    (simple, denial, search, state) = _probe(SIMPLE + DENIAL + STATE)
    assert simple[0] == denial[0] == []
    assert search[0] == ["simulator.kernel.audit"]
    assert denial[1:] == ["Permission denied", 13]
    assert search[1:] == ["1\n", 0]
    assert state[0] == ["simulator.kernel.audit"]  # before the line: it loads the snapshot
    assert state[1:] == ["{", 0]
    assert _probe(STATE + STATE)[1][0] == ["simulator.kernel.snapshot"]
