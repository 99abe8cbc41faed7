"""Path resolution: cwd, dot and dot-dot, symlinks, mounts, and the errors Linux gives."""

from __future__ import annotations

import errno

import pytest

import simulator
from simulator.kernel import Process
from tests.kernel.conftest import fails


def test_relative_paths_start_at_the_cwd(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "web.qcow2", b"")
    assert host.realpath(shell, "web.qcow2") == "/root/web.qcow2"
    assert host.realpath(shell, "./web.qcow2") == "/root/web.qcow2"


def test_dot_dot_climbs_and_stops_at_the_root(host: simulator.Host, shell: Process) -> None:
    assert host.realpath(shell, "/var/lib/../lib/libvirt/./images/..") == "/var/lib/libvirt"
    assert host.realpath(shell, "/../../..") == "/"
    assert host.realpath(shell, "..") == "/"


def test_dot_dot_climbs_out_of_a_mount(host: simulator.Host, shell: Process) -> None:
    assert host.realpath(shell, "/dev/shm/..") == "/dev"
    assert host.stat(shell, "/dev/shm/..").st_dev == host.stat(shell, "/dev").st_dev
    assert host.stat(shell, "/dev/..").st_ino == host.stat(shell, "/").st_ino


def test_mounts_are_crossed_on_the_way_down(host: simulator.Host, shell: Process) -> None:
    assert host.stat(shell, "/dev").fstype == "devtmpfs"
    assert host.stat(shell, "/dev/sda").fstype == "devtmpfs"
    assert host.stat(shell, "/run/libvirt").fstype == "tmpfs"


def test_symlinks_relative_and_absolute(host: simulator.Host, shell: Process) -> None:
    assert host.realpath(shell, "/dev/cdrom") == "/dev/sr0"
    assert host.realpath(shell, "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4") == "/dev/sde"
    host.symlink(shell, "/var/lib/libvirt/images", "/root/images")
    assert host.realpath(shell, "/root/images") == "/var/lib/libvirt/images"


def test_lstat_does_not_follow_the_last_link(host: simulator.Host, shell: Process) -> None:
    link = host.lstat(shell, "/dev/cdrom")
    assert link.kind is simulator.kernel.Kind.SYMLINK
    assert link.st_size == len("sr0")
    assert host.stat(shell, "/dev/cdrom").kind is simulator.kernel.Kind.BLOCK


def test_forty_symlink_hops_then_eloop(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/tmp/l0", b"")
    for i in range(1, 41):
        host.symlink(shell, f"/tmp/l{i - 1}", f"/tmp/l{i}")
    assert host.realpath(shell, "/tmp/l40") == "/tmp/l0"
    host.symlink(shell, "/tmp/l40", "/tmp/l41")
    with fails(host, errno.ELOOP):
        host.stat(shell, "/tmp/l41")


def test_a_symlink_loop_is_eloop(host: simulator.Host, shell: Process) -> None:
    host.symlink(shell, "b", "/tmp/a")
    host.symlink(shell, "a", "/tmp/b")
    with fails(host, errno.ELOOP):
        host.open(shell, "/tmp/a")


def test_missing_components(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.ENOENT):
        host.stat(shell, "/nosuch")
    with fails(host, errno.ENOENT):
        host.stat(shell, "/nosuch/deeper")
    with fails(host, errno.ENOENT):
        host.stat(shell, "")


def test_a_file_in_the_middle_is_enotdir(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.ENOTDIR):
        host.stat(shell, "/etc/passwd/x")
    with fails(host, errno.ENOTDIR):
        host.stat(shell, "/etc/passwd/")


def test_search_permission_is_needed_on_every_directory(
    host: simulator.Host, alice: Process
) -> None:
    with fails(host, errno.EACCES):
        host.stat(alice, "/root/anything")
    # /var/lib/libvirt/images is 0711: others may traverse but not list.
    host.write_file(host.shell, "/var/lib/libvirt/images/a.img", b"")
    assert host.stat(alice, "/var/lib/libvirt/images/a.img").st_size == 0
    with fails(host, errno.EACCES):
        host.listdir(alice, "/var/lib/libvirt/images")


def test_chdir_changes_where_relative_paths_start(host: simulator.Host, shell: Process) -> None:
    host.chdir(shell, "/var/lib/libvirt/images")
    host.write_file(shell, "disk.img", b"")
    assert host.realpath(shell, "disk.img") == "/var/lib/libvirt/images/disk.img"
    with fails(host, errno.ENOTDIR):
        host.chdir(shell, "/etc/passwd")


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/proc/1043/root/dev/sda", "/dev/sda"), ("/proc/2000/root/etc/../etc/passwd", "/etc/passwd")],
)
def test_proc_pid_root_enters_the_process_root(
    host: simulator.Host, shell: Process, path: str, expected: str
) -> None:
    assert host.stat(shell, path).st_ino == host.stat(shell, expected).st_ino


def test_proc_pid_root_of_an_unknown_pid(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.ENOENT):
        host.stat(shell, "/proc/99999/root/etc")


def test_proc_pid_root_needs_ptrace_access(
    host: simulator.Host, alice: Process, qemu: Process
) -> None:
    with fails(host, errno.EACCES):
        host.stat(alice, f"/proc/{qemu.pid}/root/etc")
    assert host.stat(alice, f"/proc/{alice.pid}/root/etc").kind is simulator.kernel.Kind.DIRECTORY
    assert host.readlink(alice, f"/proc/{alice.pid}/root") == "/"
