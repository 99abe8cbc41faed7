"""Classes that print attrs' repr text without attrs compiling it at import
(``simulator.reprs.attrs_repr``): what a failed assertion on a command's result shows."""

from __future__ import annotations

import attrs

import simulator
from simulator.reprs import attrs_repr


def test_a_result_prints_its_output_and_status_as_attrs_would() -> None:
    result = simulator.Host().run("ls /nonexistent")
    assert repr(result) == (
        "Result(chunks=((2, b\"ls: cannot access '/nonexistent': No such file or directory\\n\"),)"
        ", status=2)"
    )


def test_a_process_prints_its_fields() -> None:
    host = simulator.Host()
    text = repr(host.processes[1])
    assert text.startswith("Process(pid=1, ppid=0, comm='systemd', ")
    assert "context='system_u:system_r:init_t:s0'" in text


@attrs.define(eq=False, repr=False)
class _Node:
    __repr__ = attrs_repr

    name: str
    hidden: int = attrs.field(default=0, repr=False)
    next: _Node | None = None


def test_fields_without_a_repr_are_left_out_and_a_cycle_prints_dots() -> None:
    first = _Node("a", 1)
    first.next = _Node("b", 2, first)
    assert repr(first) == "_Node(name='a', next=_Node(name='b', next=...))"
