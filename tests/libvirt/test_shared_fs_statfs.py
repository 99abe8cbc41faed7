"""``virFileIsSharedFS`` asks ``statfs`` for the filesystem type (``virFileIsSharedFSType``),
not ``stat``: a stat fault on an image is left for the stat libvirt makes."""

from __future__ import annotations

import simulator
from tests.libvirt.conftest import kernel_calls

IMG = "/var/lib/libvirt/images/a.img"


def test_the_shared_fs_check_is_one_statfs() -> None:
    host = simulator.Host()
    host.write_file(host.shell, IMG, b"")
    host.run("virsh list")  # the daemon is up
    calls = kernel_calls(host, ("stat", "statfs"))
    assert host.libvirt.ops().is_shared_fs(IMG) is False
    assert calls == ["statfs"]
