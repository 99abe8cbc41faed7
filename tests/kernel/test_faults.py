"""Fault injection: the next N calls of a syscall on one inode (or path) fail."""

from __future__ import annotations

import errno
import os

import pytest

import simulator
from simulator.kernel import DeviceNumber, Kind, Process


def test_the_next_call_fails_then_works(host: simulator.Host, shell: Process) -> None:
    host.add_fault("open", "/etc/passwd", "EIO")
    with pytest.raises(OSError) as info:
        host.open(shell, "/etc/passwd")
    assert info.value.errno == errno.EIO
    host.open(shell, "/etc/passwd")
    assert host.faults.faults == []


def test_times(host: simulator.Host, shell: Process) -> None:
    host.add_fault("chown", "/srv", "EPERM", times=2)
    for _ in range(2):
        with pytest.raises(PermissionError):
            host.chown(shell, "/srv", 107, 107)
    host.chown(shell, "/srv", 107, 107)


def test_faults_follow_the_inode_not_the_name(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/a", b"")
    host.link(shell, "/srv/a", "/srv/b")
    host.add_fault("setxattr", "/srv/a", "ENOSPC")
    with pytest.raises(OSError) as info:
        host.setxattr(shell, "/srv/b", b"trusted.libvirt.security.dac", b"+0:+0")
    assert info.value.errno == errno.ENOSPC


def test_setfilecon_and_setxattr_are_told_apart(host: simulator.Host, shell: Process) -> None:
    host.add_fault("setfilecon", "/etc/passwd", "EOPNOTSUPP")
    host.setxattr(shell, "/etc/passwd", b"trusted.x", b"1")
    with pytest.raises(OSError) as info:
        host.setfilecon(shell, "/etc/passwd", "system_u:object_r:etc_t:s0")
    assert info.value.errno == errno.EOPNOTSUPP


def test_other_calls_and_files_are_untouched(host: simulator.Host, shell: Process) -> None:
    host.add_fault("unlink", "/srv", "EIO")
    host.open(shell, "/etc/passwd", os.O_RDONLY)
    host.stat(shell, "/srv")
    assert len(host.faults.faults) == 1


def test_a_path_that_does_not_exist_yet_in_a_namespace(host: simulator.Host) -> None:
    child = host.spawn(
        comm="qemu-kvm",
        argv=("qemu",),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context="system_u:system_r:virtqemud_t:s0",
    )
    host.unshare_mount_namespace(child)
    host.mount(child, "devfs", "/dev", "tmpfs")
    host.add_fault("mknod", "/dev/sdb", "EIO", pid=child.pid)
    with pytest.raises(OSError) as info:
        host.mknod(child, "/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))
    assert info.value.errno == errno.EIO
    host.mknod(child, "/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))


def test_faults_are_part_of_the_state(host: simulator.Host) -> None:
    before = host.snapshot()
    host.add_fault("open", "/etc/passwd", "EIO")
    assert host.snapshot() != before
    host.faults.clear()
    assert host.snapshot() == before
