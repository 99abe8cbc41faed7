"""Property tests that feed the scenario library (simulator.testing.scenario_export)."""

from __future__ import annotations

import pytest
from hypothesis import settings

from simulator.scenario.runner import load, run
from simulator.testing.scenario_export import render_scenario
from simulator.testing.shell_lifecycle import ShellLifecycle

TestShellLifecycle = ShellLifecycle.TestCase
TestShellLifecycle.settings = settings(max_examples=8, stateful_step_count=10, deadline=None)


def test_an_exported_sequence_is_a_passing_scenario() -> None:
    machine = ShellLifecycle()
    machine.start("a")
    machine.attach("a")
    machine.destroy("a")
    text = machine.scenario()
    assert "  $ virsh start a\n  Domain 'a' started\n" in text
    assert "-- a.xml --\n<domain type='kvm'>" in text
    result = run(load("exported.txtar", text))
    assert result.verdict == "PASS", result.diff


def test_a_broken_invariant_carries_the_scenario() -> None:
    machine = ShellLifecycle()
    machine.start("a")
    machine.original["/var/lib/libvirt/images/a.qcow2"] = ("wrong", 0, 0)
    machine.destroy("a")
    with pytest.raises(AssertionError) as caught:
        machine.stopped_guests_leave_images_as_they_were()
    notes = "".join(getattr(caught.value, "__notes__", []))
    assert "-- transcript --\n  $ virsh define a.xml\n" in notes


def test_render_scenario_fills_status_lines() -> None:
    text = render_scenario("t", "", [("f.txt", "x\n")], ["cat f.txt", "cat nosuch"])
    assert "  $ cat f.txt\n  x\n  $ cat nosuch\n" in text
    assert "  [1]\n" in text


def test_snapshot_diff_names_what_changed() -> None:
    from simulator import Host

    host = Host()
    before = host.snapshot()
    assert before.diff(host.snapshot()) == ""
    host.run("chcon -t etc_t /root")
    diff = before.diff(host.snapshot())
    assert diff.startswith("--- before\n+++ after\n")
    assert '-      "security.selinux": "system_u:object_r:admin_home_t:s0\\u0000"\n' in diff
    assert '+      "security.selinux": "system_u:object_r:etc_t:s0\\u0000"\n' in diff
