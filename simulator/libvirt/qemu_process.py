"""The qemu process as far as labels matter: it opens its disks through its own mount
namespace, as uid ``qemu`` with its SELinux context, and reports failures as qemu does.

The file layer opens read-write, falling back to read-only (``auto-read-only``); the format
layer then needs read-write unless the disk is read-only. Which layer fails decides the
``-blockdev`` text in qemu's log line.
"""

from __future__ import annotations

import errno
import json
import os
import time

import attrs

from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt.domain_xml import MACHINE_TYPE, Disk, DomainDef

RETRY_READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)
QEMU_LOG_MICROS_STEP = 104729  # host.md: qemu log lines' microseconds


@attrs.frozen
class OpenFailure:
    """Why qemu could not open a disk: the ``-blockdev`` argument and the errno."""

    blockdev: str
    path: str
    errno: int

    def message(self) -> str:
        return f"-blockdev {self.blockdev}: Could not open '{self.path}': {os.strerror(self.errno)}"


def node_index(domain: DomainDef, disk: Disk) -> int:
    """libvirt numbers blockdev nodes so that the last disk gets ``libvirt-1``."""
    return len(domain.disks) - domain.disks.index(disk)


def _storage_arg(path: str, index: int) -> str:
    return json.dumps(
        {
            "driver": "file",
            "filename": path,
            "node-name": f"libvirt-{index}-storage",
            "auto-read-only": True,
            "discard": "unmap",
        },
        separators=(",", ":"),
    )


def _format_arg(disk: Disk, index: int) -> str:
    return json.dumps(
        {
            "node-name": f"libvirt-{index}-format",
            "read-only": disk.readonly,
            "driver": disk.driver_type or "raw",
            "file": f"libvirt-{index}-storage",
            "backing": None,
        },
        separators=(",", ":"),
    )


def open_disk(kernel: Kernel, qemu: Process, disk: Disk, index: int) -> OpenFailure | None:
    """Open one disk the way qemu does; None when it worked."""
    path = disk.src.path
    if path is None:
        return None
    flags = os.O_RDONLY if disk.readonly else os.O_RDWR
    try:
        kernel.open(qemu, path, flags | os.O_CLOEXEC)
        return None
    except OSError as error:
        first = error.errno or errno.EIO
        if disk.readonly or first not in RETRY_READ_ONLY:
            return OpenFailure(_storage_arg(path, index), path, first)
    try:
        kernel.open(qemu, path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as error:
        return OpenFailure(_storage_arg(path, index), path, error.errno or errno.EIO)
    # Read-only worked, but the format layer needs the image writable.
    return OpenFailure(_format_arg(disk, index), path, first)


def log_line(kernel: Kernel, text: str, number: int) -> str:
    """``2025-06-04T09:58:24.745572Z qemu-kvm: TEXT``, microseconds from the ``number``-th
    line qemu processes have logged on this host (host.md)."""
    micros = (number * QEMU_LOG_MICROS_STEP) % 1000000
    t = time.gmtime(kernel.clock.now)
    stamp = (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d}Z"
    )
    return f"{stamp} qemu-kvm: {text}"


def command_line(domain: DomainDef, machine: str = MACHINE_TYPE) -> tuple[str, ...]:
    """The qemu command line (deterministic; shortened where host.md allows)."""
    argv = [
        "/usr/libexec/qemu-kvm",
        "-name",
        f"guest={domain.name},debug-threads=on",
        "-S",
        "-object",
        '{"qom-type":"secret","id":"masterKey0","format":"raw","file":'
        f'"/var/lib/libvirt/qemu/domain-{domain.name}/master-key.aes"}}',
        "-machine",
        f"{machine},usb=off,dump-guest-core=off",
        "-accel",
        "kvm" if domain.virt_type == "kvm" else "tcg",
    ]
    for disk in domain.disks:
        if disk.src.path is not None:
            argv += ["-blockdev", _storage_arg(disk.src.path, node_index(domain, disk))]
    return tuple(argv)
