"""Bind mounts, tmpfs, NFS, umount and private mount namespaces."""

from __future__ import annotations

import errno

import simulator
from simulator.kernel import DeviceNumber, Kind, Process
from simulator.kernel.security import Syscall
from tests.kernel.conftest import fails


def test_a_bind_mount_shows_the_same_inode(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/disk.img", b"")
    host.write_file(shell, "/mnt/target", b"")
    host.mount(shell, "/srv/disk.img", "/mnt/target", bind=True)
    assert host.stat(shell, "/mnt/target").st_ino == host.stat(shell, "/srv/disk.img").st_ino
    host.setxattr(shell, "/mnt/target", b"trusted.libvirt.security.dac", b"+0:+0")
    assert host.getxattr(shell, "/srv/disk.img", b"trusted.libvirt.security.dac") == b"+0:+0"


def test_a_bound_directory(host: simulator.Host, shell: Process) -> None:
    host.mkdir(shell, "/mnt/images")
    host.mount(shell, "/var/lib/libvirt/images", "/mnt/images", bind=True)
    host.write_file(shell, "/mnt/images/x.img", b"")
    assert host.stat(shell, "/var/lib/libvirt/images/x.img").st_size == 0
    assert host.realpath(shell, "/mnt/images/..") == "/mnt"
    with fails(host, errno.EXDEV):
        host.rename(shell, "/mnt/images/x.img", "/var/lib/libvirt/images/y.img")


def test_tmpfs_nodes_are_new_inodes(host: simulator.Host, shell: Process) -> None:
    host.mkdir(shell, "/srv/dev")
    host.mount(shell, "tmpfs", "/srv/dev", "tmpfs", ("mode=755",))
    host.mknod(shell, "/srv/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))
    copy, original = host.stat(shell, "/srv/dev/sdb"), host.stat(shell, "/dev/sdb")
    assert copy.st_rdev == original.st_rdev
    assert copy.st_ino == 2
    assert copy.st_dev != original.st_dev
    host.setxattr(shell, "/dev/sdb", b"trusted.libvirt.security.dac", b"+0:+6")
    assert b"trusted.libvirt.security.dac" not in host.listxattr(shell, "/srv/dev/sdb")


def test_umount(host: simulator.Host, shell: Process, alice: Process) -> None:
    host.mount(shell, "tmpfs", "/mnt", "tmpfs")
    host.write_file(shell, "/mnt/f", b"")
    with fails(host, errno.EPERM):
        host.umount(alice, "/mnt")
    with fails(host, errno.EINVAL):
        host.umount(shell, "/srv")
    host.umount(shell, "/mnt")
    with fails(host, errno.ENOENT):
        host.stat(shell, "/mnt/f")


def test_umount_with_a_mount_below_is_ebusy(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.EBUSY):
        host.umount(shell, "/dev")


def test_only_root_mounts(host: simulator.Host, alice: Process) -> None:
    with fails(host, errno.EPERM):
        host.mount(alice, "tmpfs", "/tmp", "tmpfs")


def test_unknown_filesystem_type(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.ENODEV):
        host.mount(shell, "x", "/mnt", "btrfs")


def test_nfs_device_number(host: simulator.Host, shell: Process) -> None:
    host.mount(shell, "server:/export", "/mnt", "nfs")
    assert host.stat(shell, "/mnt").st_dev == DeviceNumber(0, 53)
    _, loc = host.resolve_existing(shell, "/mnt", Syscall("test"))
    assert host.fs_at(loc).audit_dev == "0:53"


def _domain_process(host: simulator.Host) -> Process:
    """What libvirt does per domain: fork as root, unshare, a tmpfs on /dev, mknod the disk."""
    child = host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context="system_u:system_r:virtqemud_t:s0",
    )
    host.unshare_mount_namespace(child)
    host.mount(child, "devfs", "/dev", "tmpfs", ("mode=755",))
    host.mknod(child, "/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))
    host.chown(child, "/dev/sdb", 107, 107)
    child.uid = child.gid = 107  # exec qemu as the qemu user
    return child


def test_a_private_namespace_sees_its_own_dev(host: simulator.Host, shell: Process) -> None:
    qemu = _domain_process(host)
    assert qemu.ns_id >= 4026532600
    ns_view = host.stat(qemu, "/dev/sdb")
    host_view = host.stat(shell, "/dev/sdb")
    assert ns_view.st_ino != host_view.st_ino
    assert (ns_view.st_uid, host_view.st_uid) == (107, 0)
    # Paths outside /dev are shared: the same inode in both namespaces.
    assert host.stat(qemu, "/etc/passwd").st_ino == host.stat(shell, "/etc/passwd").st_ino
    # /dev/null is missing in the namespace until libvirt creates it.
    with fails(host, errno.ENOENT):
        host.stat(qemu, "/dev/null")


def test_proc_pid_root_reaches_the_namespace(host: simulator.Host, shell: Process) -> None:
    qemu = _domain_process(host)
    via_proc = host.stat(shell, f"/proc/{qemu.pid}/root/dev/sdb")
    assert via_proc == host.stat(qemu, "/dev/sdb")
    host.setxattr(shell, f"/proc/{qemu.pid}/root/dev/sdb", b"trusted.x", b"1")
    assert host.getxattr(host.process(1), f"/proc/{qemu.pid}/root/dev/sdb", b"trusted.x") == b"1"
    with fails(host, errno.ENODATA):
        host.getxattr(shell, "/dev/sdb", b"trusted.x")


def test_the_namespace_ends_with_its_last_process(host: simulator.Host) -> None:
    qemu = _domain_process(host)
    ns_id = qemu.ns_id
    host.exit(qemu.pid)
    assert ns_id not in host.namespaces
    assert all(m.ns_id != ns_id for m in host.mounts.values())


def test_unshare_needs_root(host: simulator.Host, alice: Process) -> None:
    with fails(host, errno.EPERM):
        host.unshare_mount_namespace(alice)


def test_a_bind_mount_keeps_an_unlinked_file(host: simulator.Host, shell: Process) -> None:
    """Found by the property test: the mount pins the inode after its last name goes."""
    host.write_file(shell, "/srv/source", b"kept")
    host.write_file(shell, "/srv/target", b"")
    host.mount(shell, "/srv/source", "/srv/target", bind=True)
    host.unlink(shell, "/srv/source")
    assert host.read_file(shell, "/srv/target") == b"kept"
    ino = host.stat(shell, "/srv/target").st_ino
    host.umount(shell, "/srv/target")
    assert ino not in host.fs_at(host.ns_root(shell.ns_id)).inodes


def test_umount_proc_is_busy_while_systemd_watches_the_mount_table(host: simulator.Host) -> None:
    # issue 19 item 8: on a real host `umount /proc` is EBUSY (pid 1 keeps
    # /proc/self/mountinfo open), so a following reboot works as usual.
    result = host.run("umount /proc; echo $?; reboot; echo $?")
    assert result.output == "umount: /proc: target is busy.\n32\n0\n"
    assert host.run("ls -d /proc/1").output == "/proc/1\n"


def test_umount_is_busy_while_a_shell_works_inside(host: simulator.Host) -> None:
    result = host.run("mkdir /mnt/t; mount -t tmpfs tmpfs /mnt/t; cd /mnt/t; umount /mnt/t")
    assert result.output == "umount: /mnt/t: target is busy.\n"
    assert host.run("cd /; umount /mnt/t; echo $?").output == "0\n"
