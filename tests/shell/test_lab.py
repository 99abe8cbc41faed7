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


def test_step_faults_are_listed_saved_and_cleared_without_starting_the_daemon() -> None:
    host = simulator.Host()
    pids = sorted(host.processes)
    assert host.run("lab fault add step unplug-selinux-restored").status == 0
    assert sorted(host.processes) == pids  # arming a step is not a virsh call
    assert host.run("lab fault list").output == "step unplug-selinux-restored\n"
    copy = simulator.Host.from_json(host.snapshot().to_json())
    assert copy.run("lab fault list").output == "step unplug-selinux-restored\n"
    bad = host.run("lab fault add step nowhere")
    assert (bad.status, bad.stderr) == (
        2,
        "lab: unknown step 'nowhere'; see lab fault list-steps\n",
    )
    host.run("lab fault clear")
    assert host.run("lab fault list").output == ""
