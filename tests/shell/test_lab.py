"""``lab`` (scenarios.md 5): the readable state and argument errors."""

from __future__ import annotations

import json
from typing import Any

import simulator


def _without_clock(host: simulator.Host) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(host.snapshot().to_json())
    del state["clock"]
    for proc in state["processes"]:
        del proc["next_fd"]  # the shell's fd counter moves with every file a command reads
    return state


def test_readable_state_reads_without_changing_anything() -> None:
    host = simulator.Host(seed=3)
    host.run("setsebool virt_use_nfs on")
    before = _without_clock(host)
    result = host.run("lab state")
    assert result.status == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("seed 3, clock ")
    assert lines[1] == "selinux: enforcing; booleans changed: virt_use_nfs=on; modules: none"
    assert "domains defined: none; running: none" in lines
    assert lines[-2:] == ["  none", "faults: none"]
    assert _without_clock(host) == before  # no daemon spawned, no audit record, no xattr


def test_json_state_loads_back_into_an_equal_host() -> None:
    host = simulator.Host(seed=5)
    host.run("touch /tmp/x; chcon -t virt_image_t /tmp/x")
    text = host.run("lab state --json").output
    assert _without_clock(simulator.Host.from_json(text)) == _without_clock(host)


def test_bad_arguments_are_usage_errors() -> None:
    host = simulator.Host()
    for line in ("lab state --yaml", "lab trace --since x", "lab trace now", "lab nothing"):
        result = host.run(line)
        assert result.status == 2, line
        assert result.stderr.startswith("usage: lab "), line
