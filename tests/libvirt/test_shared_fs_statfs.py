"""``virFileIsSharedFS`` asks ``statfs`` for the filesystem type (``virFileIsSharedFSType``),
not ``stat``: a stat fault on an image is left for the stat libvirt makes."""

from __future__ import annotations

import simulator

IMG = "/var/lib/libvirt/images/a.img"


def test_the_shared_fs_check_is_one_statfs() -> None:
    host = simulator.Host()
    host.write_file(host.shell, IMG, b"")
    host.run("virsh list")  # the daemon is up
    kernel, calls = host.kernel, []
    for name in ("stat", "statfs"):
        original = getattr(kernel, name)

        def spy(*args: object, _name: str = name, _call: object = original, **kw: object) -> object:
            calls.append(_name)
            return _call(*args, **kw)  # type: ignore[operator]

        setattr(kernel, name, spy)
    assert host.libvirt.ops().is_shared_fs(IMG) is False
    assert calls == ["statfs"]
