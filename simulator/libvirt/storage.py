"""Disk backing chains, determined once when a disk is set up and kept in the live definition.

libvirt determines a disk's chain at start (``qemuProcessPrepareHostStorage`` ->
``qemuDomainDetermineDiskChain``) and at hotplug (``qemuDomainAttachDeviceDiskLiveInternal``)
and stores it in the live definition (``disk->src->backingStore``); the namespace code, both
security drivers (at start, destroy and unplug) and ``qemuBlockRemoveImageMetadata`` then
walk that stored chain. A header changed while the guest runs changes nothing libvirt does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from simulator.kernel.process import Process
from simulator.libvirt.domain_xml import Disk, StorageSource
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error

# libvirt: QEMU_DOMAIN_STORAGE_SOURCE_CHAIN_MAX_DEPTH
MAX_CHAIN = 200

# libvirt: virStorageFileFormat values below VIR_STORAGE_FILE_BACKING: formats that cannot
# have a backing image, whose chain is never probed.
NO_BACKING_FORMATS = frozenset(
    ("raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop")
)


class BrokenChain(LibvirtError):
    """``virStorageSourceReportBrokenChain``: ``path`` of the chain of ``top`` could not be
    reached (``errno``); ``as_ids`` are the ids of the check, None when the daemon checked as
    itself (no storage driver initialised: no ids in the message)."""

    def __init__(self, path: str, top: str, errno: int, as_ids: tuple[int, int] | None) -> None:
        ids = "" if as_ids is None else f" (as uid:{as_ids[0]}, gid:{as_ids[1]})"
        what = (
            f"storage file '{path}'"
            if path == top
            else f"backing file '{path}' of storage file '{top}'"
        )
        error = system_error(errno, f"Cannot access {what}{ids}")
        super().__init__(error.code, error.message)
        self.path = path
        self.errno = errno
        self.as_ids = as_ids


def determine_disk_chain(
    ops: HostAccess, image_user: Callable[[Disk], Process], disk: Disk
) -> None:
    """Find ``disk``'s chain and keep it in ``disk`` (a disk of the live definition).

    ``image_user(disk)`` is the daemon as the disk's image ids (``qemuDomainGetImageIds``;
    the child ``virFileAccessibleAs`` forks, after ``virGetGroupList`` and ``virSetUIDGID``),
    asked for only when a check needs it: every access check is made as it, every header
    read as the daemon.
    Raises :class:`BrokenChain` or a :class:`LibvirtError`.
    """
    # libvirt: qemuDomainDetermineDiskChain
    src = disk.src
    if src.path is None or disk.chain_known:
        # virStorageSourceIsEmpty: nothing to determine; or determined already
        disk.chain_known = True
        return
    top = src.path
    if disk.driver_type in NO_BACKING_FORMATS:
        # No backing support: the chain ends here; the daemon only checks that the file
        # exists (virFileExists: access(F_OK) as itself, so no ids in the error).
        try:
            ops.kernel.access(ops.actor, top, 0)
        except OSError as error:
            raise BrokenChain(top, top, error.errno or 0, None) from None
        disk.chain_known = True
        return
    qemu_user = image_user(disk)
    ids = (qemu_user.uid, qemu_user.gid)
    if disk.backing_given:
        # The chain given in the XML: each image that has a backing one must be reachable
        # (virStorageSourceAccess F_OK as the image ids); nothing is probed.
        chain = src.chain()
        for image in chain[:-1]:
            if image.path is not None:
                _check_access(ops, qemu_user, image.path, top, ids)
        _validate_depth(len(chain), disk.target)
        disk.chain_known = True
        return
    backing = _probe_backing(ops, qemu_user, top, ids)
    disk.src = StorageSource(src.path, src.format, backing, src.seclabels)
    disk.chain_known = True


def _probe_backing(
    ops: HostAccess, qemu_user: Process, top: str, ids: tuple[int, int]
) -> StorageSource | None:
    """The images below ``top`` as their headers name them, top down, built bottom-up."""
    # libvirt: virStorageSourceGetMetadata -> virStorageSourceGetMetadataRecurse
    layers: list[tuple[str, str | None]] = []
    path = top
    depth = 1
    while True:
        if depth > MAX_CHAIN:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"backing store for {path} is self-referential or too deeply nested",
            )
        # virStorageSourceGetMetadataRecurseReadHeader: virStorageSourceAccess(F_OK) as the
        # image ids, then virStorageSourceRead of the header as the daemon.
        _check_access(ops, qemu_user, path, top, ids)
        try:
            image = ops.kernel.stat(ops.actor, path).image
        except OSError:
            break  # (the lab's header read: a header it cannot read names no backing)
        if image is None or image.backing is None:
            break  # the terminator
        backing = image.backing
        if not backing.startswith("/"):  # virStorageSourceNewFromBackingRelative
            backing = posixpath.join(posixpath.dirname(path), backing)
        layers.append((backing, image.backing_format))
        path = backing
        depth += 1
    chain: StorageSource | None = None
    for backing_path, backing_format in reversed(layers):
        chain = StorageSource(path=backing_path, format=backing_format, backing=chain)
    return chain


def _check_access(
    ops: HostAccess, qemu_user: Process, path: str, top: str, ids: tuple[int, int]
) -> None:
    """``virStorageSourceAccess(src, F_OK)`` as the image ids (``virFileAccessibleAs``)."""
    try:
        ops.kernel.stat(qemu_user, path)
    except OSError as error:
        raise BrokenChain(path, top, error.errno or 0, ids) from None


def _validate_depth(layers: int, target: str) -> None:
    # libvirt: qemuDomainStorageSourceValidateDepth
    if layers > MAX_CHAIN:
        raise LibvirtError(
            ErrorCode.OPERATION_UNSUPPORTED,
            f"backing chains more than 200 layers deep are not supported for disk '{target}'",
        )


def disk_chain(ops: HostAccess, disk: Disk) -> list[StorageSource]:
    """The top image first, then each backing image: the chain determined at start (or
    hotplug). A definition whose chains were never determined (a status file read back by a
    restarted daemon, which does not carry them: docs/deviations.md) reads the headers."""
    if disk.chain_known or disk.backing_given or disk.src.path is None:
        return disk.src.chain()
    chain = [disk.src]
    path: str | None = disk.src.path
    while path is not None and len(chain) < MAX_CHAIN:
        try:
            image = ops.kernel.stat(ops.actor, path).image
        except OSError:
            break
        if image is None or image.backing is None:
            break
        backing = image.backing
        if not backing.startswith("/"):
            backing = posixpath.join(posixpath.dirname(path), backing)
        chain.append(StorageSource(path=backing, format=image.backing_format))
        path = backing
    return chain
