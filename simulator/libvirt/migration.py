"""Live migration between two hosts' daemons (``virsh migrate --live DOMAIN qemu+ssh://HOST/system``).

The modelled path is libvirt's peer-to-peer-less "managed direct" migration as virsh drives
it (src/qemu/qemu_migration.c):

1. ``qemuMigrationSrcIsSafe``: every writable file disk must be on a shared filesystem
   (``virFileIsSharedFS``); a local one fails with VIR_ERR_MIGRATE_UNSAFE "Migration without
   shared storage is unsafe". Read-only and empty disks are safe.
2. ``qemuMigrationDstPrepare``: the destination starts the domain from the *migratable*
   XML, in which a dynamic ``<seclabel>`` carries no label (virSecurityLabelDefFormat skips
   it with VIR_DOMAIN_DEF_FORMAT_MIGRATABLE), so the destination generates its own label and
   MCS pair, builds its own namespace and labels and chowns the images through its own
   kernel, as a start does.
3. ``qemuMigrationSrcConfirm`` then ``qemuProcessStop(..., VIR_QEMU_PROCESS_STOP_MIGRATED)``:
   the source's qemu ends; ``qemuSecurityRestoreAllLabel(..., migrated=true)`` skips every
   disk image on a shared filesystem (virSecuritySELinuxRestoreImageLabelInt,
   virSecurityDACRestoreImageLabelInt: "If we have a shared FS and are doing migration, we
   must not change ownership, because that kills access on the destination host"); other
   files (chardevs, nvram) are restored; the MCS pair is released. The persistent
   definition stays unless ``--undefinesource``; with ``--persistent`` the destination
   defines the domain too.
"""

from __future__ import annotations

import contextlib

from simulator.errors import NotModelled
from simulator.libvirt import security_util
from simulator.libvirt.domain_status import status_path
from simulator.libvirt.domain_xml import DomainDef, StorageSource, copy_definition, format_domain
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError


def check_safe(source: Daemon, live: DomainDef) -> None:
    """``qemuMigrationSrcIsSafe`` (without VIR_MIGRATE_UNSAFE or storage copy)."""
    ops = source.ops()
    for disk in live.disks:
        path = disk.src.path
        # Disks without any source (floppies and CD-ROMs) or read-only are safe.
        if path is None or disk.readonly:
            continue
        # virFileIsSharedFS: an error (-1) fails the check with that error
        if disk.type == "file" and not ops.shared_fs(path):
            raise LibvirtError(
                ErrorCode.MIGRATE_UNSAFE, "Migration without shared storage is unsafe"
            )


def migratable(live: DomainDef) -> DomainDef:
    """The XML the destination gets: no generated dynamic labels, no implicit seclabels."""
    definition = copy_definition(live)
    for disk in definition.disks:
        # The chain the source detected is not sent (only one given in the XML is): the
        # destination determines it again (qemuProcessPrepareHostStorage).
        if disk.chain_known and not disk.backing_given:
            src = disk.src
            disk.src = StorageSource(src.path, src.format, None, src.seclabels)
        disk.chain_known = False
    definition.seclabels[:] = [s for s in definition.seclabels if not s.implicit]
    for seclabel in definition.seclabels:
        if seclabel.type == "dynamic" and seclabel.baselabel is None:
            seclabel.label = seclabel.imagelabel = None
    return definition


def migrate(
    source: Daemon,
    destination: Daemon,
    key: str,
    *,
    persistent: bool,
    undefine_source: bool,
) -> Domain:
    """Move the running domain ``key`` from ``source`` to ``destination``."""
    domain = source.lookup(key)
    if domain.live is None:
        raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
    check_safe(source, domain.live)
    if destination is source:
        raise NotModelled("migrating a domain to the host it runs on")
    incoming = _prepare(destination, domain)
    if persistent:
        # qemuMigrationDstPersist: the destination saves the definition it runs.
        destination.define(format_domain(incoming.definition, inactive=True))
    stop_migrated(source, domain)
    if undefine_source and domain.persistent:
        source.undefine(domain.name)
    return incoming


def _prepare(destination: Daemon, domain: Domain) -> Domain:
    """``qemuMigrationDstPrepareAny``: the destination starts the incoming domain. A domain
    of that name already there must be the same one (UUID), persistent and shut off; its
    persistent definition stays as it is, the incoming XML runs."""
    assert domain.live is not None
    return destination.start_live(migratable(domain.live))


def stop_migrated(daemon: Daemon, domain: Domain) -> None:
    """``qemuProcessStop`` with VIR_QEMU_PROCESS_STOP_MIGRATED on the source."""
    live = domain.live
    assert live is not None and daemon.manager is not None
    if domain.pid is not None and domain.pid in daemon.host.processes:
        daemon.host.exit(domain.pid)
    ops = daemon.ops()
    shared = {d.src.path for d in live.disks if d.src.path and ops.is_shared_fs(d.src.path)}
    manager = daemon.manager
    for driver in manager.drivers:
        # virSecurity{SELinux,DAC}RestoreImageLabelInt: migrated and on a shared FS: skip.
        items = [i for i in driver.restore_all_label(ops, live) if i.path not in shared]
        manager._restore(ops, driver, items, domain.remember_owner)
    if domain.remember_owner:
        for disk in live.disks:
            path = disk.src.path
            if path is None:
                continue
            for name in ("selinux", "dac"):
                try:
                    security_util.move_remembered_label(ops, name, path, None)
                except LibvirtError:
                    ops.warn(
                        f"Unable to remove disk metadata on vm {live.name} from {path} "
                        f"(disk target {disk.target})"
                    )
    manager.release_label(live)
    daemon.guests.stopped(domain)
    domain.live = None
    daemon.domains.forget_id(domain.id)
    domain.pid = domain.id = None
    with contextlib.suppress(OSError):
        daemon.host.unlink(daemon.ops().actor, status_path(domain.name))
    if not domain.persistent:
        daemon.domains.pop(domain.name, None)
