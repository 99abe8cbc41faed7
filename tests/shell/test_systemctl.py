"""``systemctl``: services as the process table says they are."""

from __future__ import annotations

import pytest

import simulator
from simulator.shell.commands.processes import _ago


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "now"),
        (59, "59s ago"),
        (61, "1min 1s ago"),
        (300, "5min ago"),
        (3660, "1h 1min ago"),
        (6 * 3600, "6h ago"),
        (25 * 3600, "1 day 1h ago"),
        (3 * 86400, "3 days ago"),
    ],
)
def test_relative_times_follow_systemd(seconds: int, text: str) -> None:
    assert _ago(seconds) == text


def test_status_of_a_running_and_a_stopped_service() -> None:
    host = simulator.Host()
    running = host.run("systemctl status virtqemud")
    assert running.status == 0
    assert running.output.splitlines() == [
        "● virtqemud.service - Virtualization qemu daemon",
        "     Loaded: loaded (/usr/lib/systemd/system/virtqemud.service; enabled; preset: enabled)",
        "     Active: active (running) since Wed 2025-06-04 08:58:00 UTC; 1h 0min ago",
        "TriggeredBy: ● virtqemud-ro.socket",
        "             ● virtqemud-admin.socket",
        "             ● virtqemud.socket",
        "       Docs: man:virtqemud(8)",
        "             https://libvirt.org",
        "   Main PID: 1043 (virtqemud)",
    ]
    host.run("systemctl stop virtqemud")
    stopped = host.run("systemctl status virtqemud")
    assert stopped.status == 3  # asking does not socket-activate the daemon
    assert "     Active: inactive (dead)" in stopped.output.splitlines()
    assert "Main PID" not in stopped.output
    host.run("systemctl restart auditd")
    auditd = host.run("systemctl status auditd").output.splitlines()
    assert auditd[2].endswith("; 1s ago")
    assert auditd[-1].startswith("   Main PID: ")
