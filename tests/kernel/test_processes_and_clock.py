"""Processes, pids, namespace ids, the virtual clock and the seeded random source."""

from __future__ import annotations

import errno

import pytest

import simulator
from simulator.kernel.clock import Clock


def _spawn(host: simulator.Host) -> simulator.kernel.Process:
    return host.spawn(
        comm="qemu-kvm-with-a-long-name",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=107,
        gid=107,
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )


def test_pids_come_from_a_counter(host: simulator.Host) -> None:
    first, second = _spawn(host), _spawn(host)
    assert (first.pid, second.pid) == (4810, 4811)
    host.exit(first.pid)
    assert _spawn(host).pid == 4812


def test_comm_is_cut_to_15_characters(host: simulator.Host) -> None:
    assert _spawn(host).comm == "qemu-kvm-with-a"


def test_children_inherit_the_namespace(host: simulator.Host) -> None:
    assert _spawn(host).ns_id == 4026531841


def test_namespace_ids_come_from_a_counter(host: simulator.Host) -> None:
    a = host.spawn(comm="a", argv=("a",), exe="", uid=0, gid=0, context="u:r:t:s0")
    b = host.spawn(comm="b", argv=("b",), exe="", uid=0, gid=0, context="u:r:t:s0")
    assert host.unshare_mount_namespace(a).ns_id == 4026532600
    assert host.unshare_mount_namespace(b).ns_id == 4026532601


def test_exit_and_kill(host: simulator.Host) -> None:
    proc = _spawn(host)
    assert str(proc.pid) in host.listdir(host.shell, "/proc")
    host.kill(host.shell, proc.pid)
    assert str(proc.pid) not in host.listdir(host.shell, "/proc")
    with pytest.raises(ProcessLookupError):
        host.process(proc.pid)
    with pytest.raises(OSError) as info:
        host.kill(host.shell, proc.pid)
    assert info.value.errno == errno.ESRCH


def test_the_clock_starts_where_host_md_says() -> None:
    host = simulator.Host()
    assert (host.clock.now, host.clock.boot_time) == (1749031080, 1749027480)
    later = simulator.Host(clock=1800000000, boot_time=1799990000)
    assert (later.clock.now, later.clock.boot_time) == (1800000000, 1799990000)


def test_reboot_moves_boot_time_and_clock() -> None:
    clock = Clock()
    clock.advance(5)
    clock.reboot()
    assert (clock.boot_time, clock.now) == (1749031085, 1749031145)


def test_new_files_get_the_virtual_time(host: simulator.Host) -> None:
    host.clock.advance(42)
    host.write_file(host.shell, "/srv/f", b"")
    assert host.stat(host.shell, "/srv/f").st_mtime == 1749031122


def test_one_seed_one_random_sequence() -> None:
    a, b, c = simulator.Host(seed=7), simulator.Host(seed=7), simulator.Host(seed=8)
    draws = [a.random.randrange(1024) for _ in range(5)]
    assert draws == [b.random.randrange(1024) for _ in range(5)]
    assert draws != [c.random.randrange(1024) for _ in range(5)]
