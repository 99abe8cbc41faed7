"""What one modelled system call costs on a warm host: ``python -m benchmarks.kernel_calls``.

Each row is CPU time per call (best of seven batches) of a call libvirt's start path makes,
on the image of a defined domain after one start + destroy (so the walk cache and the AVC
hold what a start leaves in them). A row that creates also removes, so the host stays the
same from batch to batch.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import simulator
from benchmarks.issue15 import IMAGES, define
from simulator.kernel.inode import SELINUX_XATTR, DeviceNumber, Kind
from simulator.kernel.security import Syscall

IMAGE = f"{IMAGES}/vm-0.qcow2"


def calls() -> list[tuple[str, Callable[[], object]]]:
    """The calls measured, each ready to run on its own warm host."""
    host = simulator.Host()
    define(host, "vm", 1)
    assert host.run("virsh start vm").status == 0
    assert host.run("virsh destroy vm").status == 0
    kernel = host.kernel
    actor = host.libvirt.ops().actor
    syscall = Syscall.of("newfstatat")
    location = kernel.walk(actor, IMAGE, syscall).location
    assert location is not None
    kernel.setxattr(actor, IMAGE, b"trusted.bench", b"1", follow=False)
    label = kernel.getxattr(actor, IMAGE, SELINUX_XATTR, follow=False)
    null = DeviceNumber(1, 3)

    def missing_xattr() -> None:
        with contextlib.suppress(OSError):
            kernel.getxattr(actor, IMAGE, b"trusted.libvirt.security.ref_dac", follow=False)

    return [
        ("walk, cached", lambda: kernel.walk(actor, IMAGE, syscall)),
        (
            "walk, not cached (5 names)",
            lambda: kernel._walk(actor, IMAGE, syscall, True, False, None),
        ),
        ("stat result of a location", lambda: kernel.stat_location(location)),
        ("lstat", lambda: kernel.lstat(actor, IMAGE)),
        ("getxattr security.selinux", lambda: kernel.getxattr(actor, IMAGE, SELINUX_XATTR)),
        ("getxattr trusted.* missing (ENODATA)", missing_xattr),
        ("setxattr trusted.*", lambda: kernel.setxattr(actor, IMAGE, b"trusted.bench", b"1")),
        ("setxattr security.selinux", lambda: kernel.setxattr(actor, IMAGE, SELINUX_XATTR, label)),
        ("lchown", lambda: kernel.chown(actor, IMAGE, 0, 0, follow=False)),
        ("chmod", lambda: kernel.chmod(actor, IMAGE, 0o644)),
        ("open O_RDONLY", lambda: kernel.open(actor, IMAGE)),
        (
            "mknod + unlink",
            lambda: (
                kernel.mknod(actor, "/tmp/bench-node", Kind.CHAR, 0o600, null),
                kernel.unlink(actor, "/tmp/bench-node"),
            ),
        ),
        (
            "mkdir + rmdir",
            lambda: (
                kernel.mkdir(actor, "/tmp/bench-dir", 0o755),
                kernel.rmdir(actor, "/tmp/bench-dir"),
            ),
        ),
    ]


def per_call_seconds(call: Callable[[], object], *, per: int = 2000, batches: int = 7) -> float:
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(per):
            call()
        best = min(best, (time.process_time() - start) / per)
    return best


def main() -> None:
    for name, call in calls():
        call()  # warm: the first call fills the caches a start would have filled
        print(f"{name:40s} {per_call_seconds(call) * 1e6:7.2f} µs")


if __name__ == "__main__":
    main()
