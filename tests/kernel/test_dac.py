"""Discretionary access control on open, create, chown and chmod."""

from __future__ import annotations

import errno
import os

import simulator
from simulator.kernel import Process
from tests.kernel.conftest import fails


def test_owner_group_other_bits(host: simulator.Host, shell: Process, alice: Process) -> None:
    host.write_file(shell, "/srv/f", b"data")
    host.chmod(shell, "/srv/f", 0o640)
    host.chown(shell, "/srv/f", 0, 1000)
    assert host.read_file(alice, "/srv/f") == b"data"  # group read
    with fails(host, errno.EACCES):
        host.open(alice, "/srv/f", os.O_WRONLY)
    host.chown(shell, "/srv/f", 1000, 0)
    host.chmod(shell, "/srv/f", 0o460)
    # The owner class decides for the owner, even if group bits would allow more.
    with fails(host, errno.EACCES):
        host.open(alice, "/srv/f", os.O_RDWR)
    assert host.read_file(alice, "/srv/f") == b"data"


def test_supplementary_groups_count(host: simulator.Host, shell: Process, qemu: Process) -> None:
    host.write_file(shell, "/srv/kvm-only", b"")
    host.setfilecon(shell, "/srv/kvm-only", "system_u:object_r:svirt_image_t:s0")
    host.chown(shell, "/srv/kvm-only", 0, 36)
    host.chmod(shell, "/srv/kvm-only", 0o660)
    host.open(qemu, "/srv/kvm-only", os.O_RDWR)


def test_root_overrides_rw_but_needs_an_exec_bit(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/f", b"")
    host.chmod(shell, "/srv/f", 0)
    host.open(shell, "/srv/f", os.O_RDWR)
    host.access(shell, "/usr/libexec/qemu-kvm", 1)
    with fails(host, errno.EACCES):
        host.access(shell, "/srv/f", 1)


def test_qemu_cannot_open_a_root_only_disk(host: simulator.Host, qemu: Process) -> None:
    # /dev/sda is root:disk 0660 and qemu is not in group disk.
    with fails(host, errno.EACCES):
        host.open(qemu, "/dev/sda", os.O_RDWR)


def test_creating_needs_write_and_search_on_the_directory(
    host: simulator.Host, alice: Process
) -> None:
    with fails(host, errno.EACCES):
        host.write_file(alice, "/etc/evil", b"")
    host.write_file(alice, "/home/user/ok", b"")
    assert host.stat(alice, "/home/user/ok").st_uid == 1000


def test_new_files_take_the_umask_and_the_creator(host: simulator.Host, alice: Process) -> None:
    host.write_file(alice, "/tmp/mine", b"")
    st = host.stat(alice, "/tmp/mine")
    assert (st.st_uid, st.st_gid, st.mode) == (1000, 1000, 0o644)
    host.mkdir(alice, "/tmp/dir")
    assert host.stat(alice, "/tmp/dir").mode == 0o755


def test_setgid_directories_pass_their_group_on(host: simulator.Host, shell: Process) -> None:
    host.mkdir(shell, "/srv/shared")
    host.chown(shell, "/srv/shared", 0, 107)
    host.chmod(shell, "/srv/shared", 0o2775)
    host.write_file(shell, "/srv/shared/f", b"")
    assert host.stat(shell, "/srv/shared/f").st_gid == 107


def test_the_sticky_bit_protects_other_users_files(
    host: simulator.Host, shell: Process, alice: Process
) -> None:
    host.write_file(shell, "/tmp/roots", b"")
    with fails(host, errno.EPERM):
        host.unlink(alice, "/tmp/roots")
    host.write_file(alice, "/tmp/alices", b"")
    host.unlink(alice, "/tmp/alices")


def test_only_root_gives_files_away(host: simulator.Host, alice: Process) -> None:
    host.write_file(alice, "/tmp/f", b"")
    with fails(host, errno.EPERM):
        host.chown(alice, "/tmp/f", 0, -1)
    with fails(host, errno.EPERM):
        host.chown(alice, "/tmp/f", -1, 107)  # not one of alice's groups
    host.chown(alice, "/tmp/f", 1000, 1000)  # no change is allowed


def test_chown_drops_setuid(host: simulator.Host, shell: Process) -> None:
    host.write_file(shell, "/srv/tool", b"")
    host.chmod(shell, "/srv/tool", 0o6755)
    host.chown(shell, "/srv/tool", 107, 107)
    assert host.stat(shell, "/srv/tool").mode == 0o755


def test_only_the_owner_or_root_may_chmod(
    host: simulator.Host, shell: Process, alice: Process
) -> None:
    with fails(host, errno.EPERM):
        host.chmod(alice, "/etc/passwd", 0o777)
    host.write_file(alice, "/tmp/f", b"")
    host.chmod(alice, "/tmp/f", 0o600)
    host.chmod(shell, "/tmp/f", 0o644)
    assert host.stat(shell, "/tmp/f").mode == 0o644


def test_root_squash_on_nfs(host: simulator.Host, shell: Process) -> None:
    host.mount(shell, "nfs-server:/export/images", "/mnt", "nfs")
    host.write_file(shell, "/mnt/disk.img", b"")
    st = host.stat(shell, "/mnt/disk.img")
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    with fails(host, errno.EPERM):
        host.chown(shell, "/mnt/disk.img", 107, 107)
    host.chmod(shell, "/mnt/disk.img", 0o600)  # squashed root owns it now
    host.umount(shell, "/mnt")
    host.mount(shell, "nfs-server:/export/images", "/mnt", "nfs", ("no_root_squash",))
    host.write_file(shell, "/mnt/other.img", b"")
    host.chown(shell, "/mnt/other.img", 107, 107)
    assert host.stat(shell, "/mnt/other.img").st_uid == 107
