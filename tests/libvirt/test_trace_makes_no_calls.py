"""The lab's trace of libvirt's changes (``lab trace``) makes no system call of its own: the
old label and owner it shows come back from the changing call. A getxattr or stat asked
only for the trace would be seen by a fault (``lab fault add``) or an audit rule on the
file, where libvirt makes no such call."""

from __future__ import annotations

import simulator
from tests.libvirt.conftest import kernel_calls

IMG = "/var/lib/libvirt/images/a.img"


def test_the_trace_asks_the_kernel_nothing() -> None:
    host = simulator.Host()
    shell = host.shell
    host.write_file(shell, IMG, b"")
    host.setfilecon(shell, IMG, "system_u:object_r:virt_image_t:s0")
    host.chown(shell, IMG, 107, 36)
    host.run("virsh list")  # the daemon is up
    calls = kernel_calls(host, ("stat", "getxattr"))
    ops = host.libvirt.ops()
    ops.chown(IMG, 0, 0, "test")
    ops.setfilecon(IMG, "system_u:object_r:svirt_image_t:s0", "test")
    assert calls == []
    assert [e.change for e in host.libvirt.log.trace][-2:] == [
        "owner 107:36 -> 0:0",
        "label system_u:object_r:virt_image_t:s0 -> system_u:object_r:svirt_image_t:s0",
    ]
