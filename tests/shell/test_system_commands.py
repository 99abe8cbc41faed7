"""systemctl and kill: services and signals as the process table and Linux say."""

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


@pytest.mark.parametrize(
    ("line", "status", "output"),
    [
        ("kill -9 1", 0, ""),  # init is unkillable from user space
        ("kill -9 62", 0, ""),  # a kernel thread ignores signals
        ("kill 2000", 0, ""),  # an interactive bash ignores SIGTERM
        ("kill -9 2000", 3, "seclab: not modelled: killing the login shell (type exit to leave)\n"),
        ("kill -HUP 812", 3, "seclab: not modelled: signal HUP (kill knows -9 and -15)\n"),
        ("kill -BOGUS 812", 1, "-bash: kill: BOGUS: invalid signal specification\n"),
        (
            "kill",
            2,
            "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... "
            "or kill -l [sigspec]\n",
        ),
    ],
)
def test_kill_spares_what_linux_and_bash_spare(line: str, status: int, output: str) -> None:
    host = simulator.Host()
    pids = sorted(host.processes)
    result = host.run(line)
    assert (result.status, result.output) == (status, output)
    assert sorted(host.processes) == pids


def test_kill_ends_a_service() -> None:
    host = simulator.Host()
    assert host.run("kill -s KILL 812").status == 0
    assert 812 not in host.processes
    assert host.run("systemctl status auditd").status == 3
