"""``virFileIsSharedFS`` asks ``statfs`` for the filesystem type (``virFileIsSharedFSType``),
not ``stat``: a stat fault on an image is left for the stat libvirt makes."""

from __future__ import annotations

import pytest

import simulator
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.conftest import kernel_calls

IMG = "/var/lib/libvirt/images/a.img"


def test_the_shared_fs_check_is_one_statfs() -> None:
    host = simulator.Host()
    host.write_file(host.shell, IMG, b"")
    host.run("virsh list")  # the daemon is up
    calls = kernel_calls(host, ("stat", "statfs"))
    assert host.libvirt.ops().is_shared_fs(IMG) is False
    assert calls == ["statfs"]


def test_a_path_statfs_cannot_look_at_is_judged_by_its_nearest_parent() -> None:
    # libvirt: virFileIsSharedFSType -> virFileCheckParents: any statfs failure tries
    # less and less of the path (a disk not created yet on an NFS mount is shared)
    host = simulator.Host()
    host.mount(host.shell, "filer:/vms", "/mnt", "nfs", ("no_root_squash",))
    host.run("virsh list")
    calls = kernel_calls(host, ("statfs",))
    assert host.libvirt.ops().is_shared_fs("/mnt/new/disk.img") is True
    assert calls == ["statfs", "statfs", "statfs"]
    host.write_file(host.shell, IMG, b"")
    assert host.run(f"lab fault add statfs {IMG} EACCES").status == 0
    assert host.libvirt.ops().is_shared_fs(IMG) is False  # its folder is on xfs


def test_when_even_the_root_fails_libvirt_cannot_determine_the_filesystem() -> None:
    host = simulator.Host()
    host.write_file(host.shell, IMG, b"")
    host.run("virsh list")
    for path in (IMG, *(IMG.rsplit("/", n)[0] or "/" for n in range(1, 6))):
        assert host.run(f"lab fault add statfs {path} EIO").status == 0, path
    expected = f"cannot determine filesystem for '{IMG}': Input/output error"
    with pytest.raises(LibvirtError) as caught:
        host.libvirt.ops().shared_fs(IMG)
    assert str(caught.value) == expected
