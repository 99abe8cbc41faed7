"""Disks plugged into and out of a running domain (``src/qemu/qemu_hotplug.c``): nodes in
the domain's namespace, image labels set or restored, qemu's ``blockdev-add``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel import errno_table
from simulator.libvirt import qemu_namespace
from simulator.libvirt.domain_xml import Disk, DomainDef, add_disk
from simulator.libvirt.qemu_process import (
    as_libvirt_error,
    image_user,
    node_index,
    open_disk_for_io,
    write_status,
)
from simulator.libvirt.storage import determine_disk_chain
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError

if TYPE_CHECKING:
    from simulator.libvirt.qemu_driver import Daemon


def attach_disk(driver: Daemon, domain: Domain, disk: Disk) -> None:
    """Plug ``disk`` into the running ``domain``; on a failure the disk leaves the live
    definition again."""
    # libvirt: qemuDomainAttachDiskGeneric
    assert domain.live is not None
    assert driver.manager is not None
    qemu = driver.host.processes.get(domain.pid or -1)
    assert qemu is not None
    add_disk(domain.live, disk)
    ops = driver.ops(qemu.ns_id) if domain.namespaces else driver.ops()
    try:
        # libvirt: qemuDomainAttachDeviceDiskLiveInternal -> qemuDomainDetermineDiskChain
        determine_disk_chain(driver.ops(), image_user(driver, domain.live), disk)
        if domain.namespaces:
            qemu_namespace.setup_disk(driver, ops, disk)
        # libvirt: qemuDomainStorageSourceAccessAllow -> qemuSecuritySetImageLabel
        driver.manager.set_image_label(ops, domain.live, disk.target, lock=domain.remember_owner)
    except Exception as error:
        # qemuDomainAttachDiskGeneric's cleanup: the disk leaves the live definition;
        # labels a committed driver set stay (virSecurityStackTransactionCommit).
        domain.live.disks.remove(disk)
        raise as_libvirt_error(error, f"unable to prepare {disk.src.path}") from None
    # libvirt: qemuBlockStorageSourceChainAttach (QEMU's blockdev-add)
    failure, handle = open_disk_for_io(driver.host, qemu, disk, node_index(domain.live, disk))
    if handle is not None:
        driver.guests.opened(domain, disk.target, handle)
    if failure is not None:
        # libvirt: qemuDomainStorageSourceAccessRevoke -> qemuSecurityRestoreImageLabel
        driver.manager.restore_image_label(
            ops, domain.live, disk.target, lock=domain.remember_owner
        )
        domain.live.disks.remove(disk)
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR,
            f"unable to execute QEMU command 'blockdev-add': Could not open "
            f"'{failure.path}': {errno_table.strerror(failure.errno)}",
        )
    write_status(driver, domain)


def detach_disk(driver: Daemon, domain: Domain, target: str) -> None:
    """Unplug the disk ``target`` (or with that source) from the running ``domain``."""
    # libvirt: qemuDomainDetachDeviceLive -> qemuDomainRemoveDiskDevice
    if domain.live is None:
        raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
    disk = find_disk(domain.live, target)
    assert driver.manager is not None
    qemu = driver.host.processes.get(domain.pid or -1)
    ops = driver.ops(qemu.ns_id) if qemu is not None and domain.namespaces else driver.ops()
    # libvirt: qemuDomainStorageSourceChainAccessRevoke -> qemuSecurityRestoreImageLabel
    driver.manager.restore_image_label(
        ops,
        domain.live,
        disk.target,
        lock=domain.remember_owner,
        after_driver=driver.after_unplug_driver,
    )
    domain.live.disks.remove(disk)
    driver.guests.closed(domain, disk.target)
    write_status(driver, domain)


def find_disk(domain: DomainDef, target: str) -> Disk:
    """The disk whose target or source is ``target``."""
    # libvirt: qemuDomainDetachPrepDisk (virDomainDiskByTarget); virsh's virshFindDisk
    # matches the source path too
    for disk in domain.disks:
        if target in (disk.target, disk.src.path):
            return disk
    raise LibvirtError(ErrorCode.OPERATION_FAILED, f"disk {target} not found")
