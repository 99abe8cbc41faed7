"""Creating, linking, renaming and removing names, with link counts kept right."""

from __future__ import annotations

import errno
import os

import pytest

import simulator
from simulator.errors import InvalidArgument, SeclabError
from simulator.kernel import DeviceNumber, Kind, Process
from tests.kernel.conftest import fails


def test_open_flags(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.ENOENT):
        host.open(shell, "/srv/new", os.O_RDWR)
    handle = host.open(shell, "/srv/new", os.O_RDWR | os.O_CREAT, 0o600)
    host.write(shell, handle, b"hello")
    assert host.stat(shell, "/srv/new").mode == 0o600
    with fails(host, errno.EEXIST):
        host.open(shell, "/srv/new", os.O_RDWR | os.O_CREAT | os.O_EXCL)
    host.write_file(shell, "/srv/new", b" world", append=True)
    assert host.read_file(shell, "/srv/new") == b"hello world"
    host.open(shell, "/srv/new", os.O_WRONLY | os.O_TRUNC)
    assert host.stat(shell, "/srv/new").st_size == 0
    with fails(host, errno.EISDIR):
        host.open(shell, "/srv", os.O_WRONLY)
    with fails(host, errno.ENOTDIR):
        host.open(shell, "/srv/new", os.O_RDONLY | os.O_DIRECTORY)
    with fails(host, errno.ELOOP):
        host.open(shell, "/dev/cdrom", os.O_RDONLY | os.O_NOFOLLOW)


def test_a_read_only_handle_cannot_write(host: simulator.Host, shell: Process) -> None:
    handle = host.open(shell, "/etc/passwd")
    with fails(host, errno.EBADF):
        host.write(shell, handle, b"x")


def test_hard_links_share_the_inode(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/a", b"")
    host.link(shell, "/srv/a", "/srv/b")
    a, b = host.stat(shell, "/srv/a"), host.stat(shell, "/srv/b")
    assert a.st_ino == b.st_ino
    assert a.st_nlink == 2
    host.chmod(shell, "/srv/b", 0o600)
    assert host.stat(shell, "/srv/a").mode == 0o600
    host.unlink(shell, "/srv/a")
    assert host.stat(shell, "/srv/b").st_nlink == 1


def test_link_errors(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/a", b"")
    with fails(host, errno.EPERM):
        host.link(shell, "/srv", "/srv/dirlink")
    with fails(host, errno.EEXIST):
        host.link(shell, "/srv/a", "/etc/passwd")
    with fails(host, errno.EXDEV):
        host.link(shell, "/srv/a", "/run/a")


def test_directory_link_counts(host: simulator.Host, shell: Process) -> None:
    before = host.stat(shell, "/srv").st_nlink
    host.mkdir(shell, "/srv/sub")
    assert host.stat(shell, "/srv").st_nlink == before + 1
    assert host.stat(shell, "/srv/sub").st_nlink == 2
    host.rmdir(shell, "/srv/sub")
    assert host.stat(shell, "/srv").st_nlink == before


def test_mkdir_and_rmdir_errors(host: simulator.Host, shell: Process) -> None:
    with fails(host, errno.EEXIST):
        host.mkdir(shell, "/srv")
    with fails(host, errno.ENOENT):
        host.mkdir(shell, "/nosuch/sub")
    host.mkdir(shell, "/srv/full")
    host.write_file(shell, "/srv/full/f", b"")
    with fails(host, errno.ENOTEMPTY):
        host.rmdir(shell, "/srv/full")
    with fails(host, errno.ENOTDIR):
        host.rmdir(shell, "/srv/full/f")
    with fails(host, errno.EBUSY):
        host.rmdir(shell, "/dev/shm")
    with fails(host, errno.EISDIR):
        host.unlink(shell, "/srv/full")


def test_rename_keeps_inode_and_label(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/root/web.qcow2", b"")
    ino = host.stat(shell, "/root/web.qcow2").st_ino
    host.rename(shell, "/root/web.qcow2", "/var/lib/libvirt/images/web.qcow2")
    st = host.stat(shell, "/var/lib/libvirt/images/web.qcow2")
    assert st.st_ino == ino
    assert host.getfilecon(shell, "/var/lib/libvirt/images/web.qcow2") == (
        "unconfined_u:object_r:admin_home_t:s0"
    )
    with fails(host, errno.ENOENT):
        host.stat(shell, "/root/web.qcow2")


def test_rename_over_an_existing_file_frees_it(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/a", b"a")
    host.write_file(shell, "/srv/b", b"b")
    old_b = host.stat(shell, "/srv/b").st_ino
    host.rename(shell, "/srv/a", "/srv/b")
    assert host.read_file(shell, "/srv/b") == b"a"
    root_fs = host.fs_at(host.ns_root(shell.ns_id))
    assert old_b not in root_fs.inodes


def test_rename_errors(host: simulator.Host, shell: Process) -> None:
    host.mkdir(shell, "/srv/d")
    host.mkdir(shell, "/srv/d/inner")
    host.write_file(shell, "/srv/f", b"")
    with fails(host, errno.EINVAL):
        host.rename(shell, "/srv/d", "/srv/d/inner/moved")
    with fails(host, errno.ENOTDIR):
        host.rename(shell, "/srv/d", "/srv/f")
    with fails(host, errno.EISDIR):
        host.rename(shell, "/srv/f", "/srv/d")
    host.mkdir(shell, "/srv/empty")
    with fails(host, errno.ENOTEMPTY):
        host.rename(shell, "/srv/empty", "/srv/d")
    with fails(host, errno.EXDEV):
        host.rename(shell, "/srv/f", "/run/f")
    with fails(host, errno.EBUSY):
        host.rename(shell, "/dev/shm", "/dev/shm2")


def test_renaming_a_directory_moves_its_parent_link(host: simulator.Host, shell: Process) -> None:
    host.mkdir(shell, "/srv/a")
    host.mkdir(shell, "/srv/b")
    host.mkdir(shell, "/srv/a/d")
    host.rename(shell, "/srv/a/d", "/srv/b/d")
    assert host.stat(shell, "/srv/a").st_nlink == 2
    assert host.stat(shell, "/srv/b").st_nlink == 3
    assert host.realpath(shell, "/srv/b/d/..") == "/srv/b"


def test_symlink_and_readlink(host: simulator.Host, shell: Process) -> None:
    host.symlink(shell, "../dm-0", "/srv/link")
    assert host.readlink(shell, "/srv/link") == "../dm-0"
    assert host.lstat(shell, "/srv/link").mode == 0o777
    with fails(host, errno.EINVAL):
        host.readlink(shell, "/etc/passwd")
    with fails(host, errno.EEXIST):
        host.symlink(shell, "x", "/etc/passwd")


def test_mknod_makes_devices_for_root_only(
    host: simulator.Host, shell: Process, alice: Process
) -> None:
    host.mknod(shell, "/srv/sdx", Kind.BLOCK, 0o660, DeviceNumber(8, 64))
    st = host.stat(shell, "/srv/sdx")
    assert (st.kind, st.st_rdev) == (Kind.BLOCK, DeviceNumber(8, 64))
    with fails(host, errno.EPERM):
        host.mknod(alice, "/tmp/sdy", Kind.BLOCK, 0o660, DeviceNumber(8, 80))
    host.mknod(alice, "/tmp/fifo", Kind.FIFO, 0o644)
    with fails(host, errno.EEXIST):
        host.mknod(shell, "/srv/sdx", Kind.BLOCK, 0o660, DeviceNumber(8, 64))


def test_unlinking_the_last_name_frees_the_inode(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/gone", b"")
    ino = host.stat(shell, "/srv/gone").st_ino
    host.unlink(shell, "/srv/gone")
    root_fs = host.fs_at(host.ns_root(shell.ns_id))
    assert ino not in root_fs.inodes
    with fails(host, errno.ENOENT):
        host.unlink(shell, "/srv/gone")


def test_inode_numbers_come_from_the_filesystem_counter(
    host: simulator.Host, shell: Process
) -> None:
    host.write_file(shell, "/srv/one", b"")
    host.write_file(shell, "/srv/two", b"")
    host.write_file(shell, "/run/three", b"")
    assert host.stat(shell, "/srv/one").st_ino == 33554560
    assert host.stat(shell, "/srv/two").st_ino == 33554561
    assert host.stat(shell, "/run/three").st_ino >= 1000


@pytest.mark.parametrize(
    "call",
    [
        lambda h, p: h.chmod(p, "/srv", 0o17777),
        lambda h, p: h.chown(p, "/srv", -5, 0),
        lambda h, p: h.spawn(comm="x", argv=(), exe="", uid=-1, gid=0, context="u:r:t:s0"),
        lambda h, p: h.add_fault("open", "/srv", "ENOTANERRNO"),
        lambda h, p: h.add_fault("open", "relative/path", "EIO"),
        lambda h, p: h.add_fault("fsync", "/srv", "EIO"),
        lambda h, p: h.mknod(p, "/srv/x", Kind.BLOCK, 0o600),
    ],
)
def test_invalid_arguments_are_seclab_errors(
    host: simulator.Host, shell: Process, call: object
) -> None:
    before = host.snapshot()
    with pytest.raises(InvalidArgument) as info:
        call(host, shell)  # type: ignore[operator]
    assert isinstance(info.value, SeclabError)
    assert str(info.value)
    assert host.snapshot() == before


def test_statfs_reports_the_filesystems_magic_and_can_fail() -> None:
    """statfs(2)'s f_type (include/uapi/linux/magic.h); its own fault, apart from stat's."""
    host = simulator.Host()
    shell = host.shell
    assert host.kernel.statfs(shell, "/etc/passwd") == 0x58465342  # XFS_SUPER_MAGIC
    assert host.kernel.statfs(shell, "/dev/shm") == 0x01021994  # TMPFS_MAGIC
    host.add_fault("statfs", "/etc/passwd", "EIO")
    host.kernel.stat(shell, "/etc/passwd")  # a stat does not take a statfs fault
    with pytest.raises(OSError) as info:
        host.kernel.statfs(shell, "/etc/passwd")
    assert info.value.errno == errno.EIO
