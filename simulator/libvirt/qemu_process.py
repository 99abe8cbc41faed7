"""The qemu process as far as labels matter: it opens its disks through its own mount
namespace, as uid ``qemu`` with its SELinux context, and reports failures as qemu does.

The file layer opens read-only (``auto-read-only``); the format layer then needs it
read-write unless the disk is read-only. Which layer fails decides the ``-blockdev`` text in
qemu's log line.
"""

from __future__ import annotations

import json
import time

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.calls_files import OpenFile
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt.domain_xml import MACHINE_TYPE, Disk, DomainDef

QEMU_LOG_MICROS_STEP = 104729  # host.md: qemu log lines' microseconds


@attrs.frozen
class OpenFailure:
    """Why qemu could not open a disk: the ``-blockdev`` argument and the errno."""

    blockdev: str
    path: str
    errno: int

    def message(self) -> str:
        return (
            f"-blockdev {self.blockdev}: Could not open '{self.path}': {errno.strerror(self.errno)}"
        )


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
    """Open one disk the way QEMU >= 4.0 does with ``auto-read-only``; None when it worked."""
    failure, _ = open_disk_for_io(kernel, qemu, disk, index)
    return failure


def open_disk_for_io(
    kernel: Kernel, qemu: Process, disk: Disk, index: int
) -> tuple[OpenFailure | None, OpenFile | None]:
    """Open one disk; the failure, or the file qemu keeps open for the guest's I/O.

    QEMU: block/file-posix.c. ``raw_open_common`` calls ``raw_parse_flags`` with no writer
    yet, so with ``auto-read-only`` the storage node is opened ``O_RDONLY`` ("file-posix:
    Make auto-read-only dynamic"); a failure here is the storage node's ``-blockdev``.
    When the format node takes the write permission (a disk that is not read-only),
    ``raw_check_perm`` -> ``raw_reconfigure_getfd`` reopens the file ``O_RDWR``; a
    failure there is reported against the format node's ``-blockdev``.
    """
    path = disk.src.path
    if path is None:
        return None, None
    try:
        handle = kernel.open(qemu, path, open_flags.O_RDONLY | open_flags.O_CLOEXEC)
    except OSError as error:
        return OpenFailure(_storage_arg(path, index), path, error.errno or errno.EIO), None
    if disk.readonly:
        return None, handle
    try:
        handle = kernel.open(qemu, path, open_flags.O_RDWR | open_flags.O_CLOEXEC)
    except OSError as error:
        return OpenFailure(_format_arg(disk, index), path, error.errno or errno.EIO), None
    return None, handle


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


TASK_COMM_LEN = 16  # the kernel keeps 15 bytes of a process name and a NUL


def process_name(domain: DomainDef) -> str:
    """QEMU's ``-name ...,process=qemu:NAME`` sets the thread name with ``prctl(PR_SET_NAME)``
    (QEMU: os-posix.c ``os_set_proc_name``), which the kernel truncates to 15 bytes."""
    return f"qemu:{domain.name}".encode()[: TASK_COMM_LEN - 1].decode(errors="ignore")


def command_line(
    domain: DomainDef, machine: str = MACHINE_TYPE, *, set_process_name: bool = False
) -> tuple[str, ...]:
    """The qemu command line (deterministic; shortened where host.md allows)."""
    # libvirt: qemuBuildNameCommandLine
    process = f",process=qemu:{domain.name}" if set_process_name else ""
    argv = [
        "/usr/libexec/qemu-kvm",
        "-name",
        f"guest={domain.name}{process},debug-threads=on",
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
