"""The security manager stack (``security_manager.c``, ``security_stack.c``,
``qemu_security.c``): the configured drivers in order, DAC last, each with its transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Protocol

from simulator.libvirt import transaction
from simulator.libvirt.domain_xml import DomainDef, SecLabel
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.mcs import McsTable
from simulator.libvirt.qemu_conf import QemuConfig
from simulator.libvirt.security_dac import DacDriver, parse_ids
from simulator.libvirt.security_selinux import SelinuxDriver, read_contexts
from simulator.libvirt.transaction import Item
from simulator.libvirt.virerror import ErrorCode, LibvirtError

PROBE_ORDER = ("selinux", "apparmor", "none")


class Driver(Protocol):
    name: str

    def gen_label(self, domain: DomainDef, seclabel: SecLabel) -> None: ...
    def release_label(self, domain: DomainDef) -> None: ...
    def set_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]: ...
    def restore_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]: ...
    def image_items(self, ops: HostAccess, domain: DomainDef, target: str) -> list[Item]: ...
    def restore_image_items(self, domain: DomainDef, target: str) -> list[Item]: ...
    def set_item(self, ops: HostAccess, path: str, label: str, remember: bool) -> None: ...
    def restore_item(self, ops: HostAccess, path: str, recall: bool) -> bool: ...


class _Selinux(SelinuxDriver):
    def set_item(self, ops: HostAccess, path: str, label: str, remember: bool) -> None:
        self.set_filecon(ops, path, label, remember)

    def restore_item(self, ops: HostAccess, path: str, recall: bool) -> bool:
        return self.restore_file_label(ops, path, recall)


class _Dac(DacDriver):
    def set_item(self, ops: HostAccess, path: str, label: str, remember: bool) -> None:
        self.set_ownership(ops, path, label, remember)

    def restore_item(self, ops: HostAccess, path: str, recall: bool) -> bool:
        return self.restore_file_label(ops, path, recall)


class _Nop:
    """The ``none`` driver: labels nothing."""

    name = "none"

    def gen_label(self, domain: DomainDef, seclabel: SecLabel) -> None:
        return None

    def release_label(self, domain: DomainDef) -> None:
        return None

    def set_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        return []

    def restore_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        return []

    def image_items(self, ops: HostAccess, domain: DomainDef, target: str) -> list[Item]:
        return []

    def restore_image_items(self, domain: DomainDef, target: str) -> list[Item]:
        return []

    def set_item(self, ops: HostAccess, path: str, label: str, remember: bool) -> None:
        return None

    def restore_item(self, ops: HostAccess, path: str, recall: bool) -> bool:
        return True


class SecurityManager:
    """The stack: primary driver first, nested ones after, DAC appended when privileged."""

    def __init__(self, drivers: list[Driver], config: QemuConfig) -> None:
        self.drivers = drivers
        self.config = config
        # cfg->user and cfg->group, resolved once when the daemon read qemu.conf
        # (virQEMUDriverConfigLoadSecurityEntry): the DAC driver's ids (set by create).
        self.qemu_user: tuple[int, int] = (0, 0)
        self.default_confined = config.security_default_confined
        self.require_confined = config.security_require_confined
        if any(d.name == "none" for d in drivers) and self.default_confined:
            self.default_confined = False  # VIR_WARN: "none" disables default confinement

    @classmethod
    def create(
        cls, ops: HostAccess, config: QemuConfig, mcs: McsTable, rng: random.Random
    ) -> SecurityManager:
        """``qemuSecurityInit``: errors are libvirt's, wrapped as initialisation failures."""
        names = list(config.security_driver)
        if not names:
            names = [next(n for n in PROBE_ORDER if _enabled(ops, n))]
        drivers: list[Driver] = []
        for name in names:
            if name not in ("selinux", "none"):
                raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"Security driver {name} not found")
            if not _enabled(ops, name):
                raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"Security driver {name} not enabled")
            if name == "none" and config.security_require_confined:
                raise LibvirtError(
                    ErrorCode.INTERNAL_ERROR,
                    'Security driver "none" cannot create confined guests',
                )
            if name == "selinux":
                drivers.append(_Selinux(read_contexts(ops), ops.actor.context, mcs, rng))
            else:
                drivers.append(_Nop())
        user = parse_ids(ops, f"{config.user}:{config.group}")
        drivers.append(
            _Dac(
                user,
                dynamic_ownership=config.dynamic_ownership,
                mount_namespace=config.mount_namespace,
            )
        )
        manager = cls(drivers, config)
        manager.qemu_user = user
        return manager

    @property
    def primary_model(self) -> str:
        return self.drivers[0].name

    def driver(self, name: str) -> Driver | None:
        return next((d for d in self.drivers if d.name == name), None)

    # -- labels ---------------------------------------------------------------------------------

    def check_all_label(self, domain: DomainDef) -> None:
        """``virSecurityManagerCheckAllLabel``: every model named must be loaded."""
        loaded = {d.name for d in self.drivers} | {"none"}
        models = [s.model for s in domain.seclabels]
        for disk in domain.disks:
            models.extend(s.model for s in disk.src.seclabels)
        for chardev in domain.chardevs:
            models.extend(s.model for s in chardev.seclabels)
        for model in models:
            if model not in loaded:
                raise LibvirtError(
                    ErrorCode.CONFIG_UNSUPPORTED,
                    f"Security driver model '{model}' is not available",
                )

    def verify(self, ops: HostAccess, domain: DomainDef) -> None:
        """At define time: models loaded, static SELinux labels valid in the policy."""
        self.check_all_label(domain)
        selinux = self.driver("selinux")
        state = ops.selinux
        if isinstance(selinux, _Selinux) and state is not None:
            selinux.verify(domain, state.policy.valid_context)

    def gen_label(self, domain: DomainDef) -> None:
        """``virSecurityManagerGenLabel`` for each driver (libvirt.md 7.3)."""
        added: list[SecLabel] = []
        try:
            for driver in self.drivers:
                if driver.name == "none":
                    continue
                seclabel = domain.seclabel(driver.name)
                if seclabel is None:
                    if not self.default_confined:
                        continue
                    seclabel = SecLabel(driver.name, "dynamic", relabel=True, implicit=True)
                    domain.seclabels.append(seclabel)
                    added.append(seclabel)
                if seclabel.type == "default":
                    seclabel.type = "dynamic" if self.default_confined else "none"
                    seclabel.relabel = self.default_confined
                if seclabel.type == "none" and self.require_confined:
                    raise LibvirtError(
                        ErrorCode.CONFIG_UNSUPPORTED,
                        "Unconfined guests are not allowed on this host",
                    )
                driver.gen_label(domain, seclabel)
        except LibvirtError:
            self.release_label(domain)
            for seclabel in added:
                domain.seclabels.remove(seclabel)
            raise

    def reserve_label(self, domain: DomainDef, process_context: str) -> None:
        """``virSecurityManagerReserveLabel``: the stack asks only its primary (SELinux)."""
        primary = self.drivers[0]
        if isinstance(primary, _Selinux):
            primary.reserve_label(domain, process_context)

    def selinux_image_label(self, domain: DomainDef, target: str) -> str | None:
        """The label the SELinux driver gives a disk's top image (None: left alone)."""
        selinux = self.driver("selinux")
        seclabel = domain.seclabel("selinux")
        disk = domain.disk(target)
        if not isinstance(selinux, _Selinux) or seclabel is None or disk is None:
            return None
        return selinux.image_label(
            seclabel, disk.src, disk.src, is_top=True, readonly=disk.readonly, shared=disk.shareable
        )

    def release_label(self, domain: DomainDef) -> None:
        for driver in self.drivers:
            driver.release_label(domain)
        domain.seclabels[:] = [s for s in domain.seclabels if not s.implicit]

    # -- relabelling ----------------------------------------------------------------------------

    def _commit(self, ops: HostAccess, driver: Driver, items: list[Item], lock: bool) -> None:
        """``virSecurity{SELinux,DAC}TransactionCommit``: run the list in the domain's mount
        namespace; when that fails with ``VIR_ERR_SYSTEM_ERROR``, run the whole list again
        in the daemon's own namespace (``pid = -1``). Other errors (a refused "already in
        use") are final."""
        try:
            transaction.run(ops, items, lock, driver.set_item, driver.restore_item)
        except LibvirtError as error:
            retry = error.code is ErrorCode.SYSTEM_ERROR or isinstance(
                error, transaction.TransactionFailed
            )
            if ops.host is None or not retry:
                raise
            transaction.run(ops.host, items, lock, driver.set_item, driver.restore_item)

    def set_all_label(
        self,
        ops: HostAccess,
        domain: DomainDef,
        *,
        lock: bool,
        after_driver: Callable[[str], None] | None = None,
    ) -> None:
        """``qemuSecuritySetAllLabel``: SELinux then DAC, each committed in turn.

        ``virSecurityStackTransactionCommit`` only aborts the drivers after a failed one; a
        driver that already committed keeps its labels and remembered xattrs (the caller,
        ``qemuProcessStart``, then stops with ``VIR_QEMU_PROCESS_STOP_NO_RELABEL``).
        ``after_driver`` is called after each driver's commit (a fault step may stop there).
        """
        # virSecurityStackSetAllLabel queues every driver's list first (a DAC label that does
        # not parse fails here, before anything is committed), then the stack commits.
        queued = [(driver, driver.set_all_label(ops, domain)) for driver in self.drivers]
        for driver, items in queued:
            self._commit(ops, driver, items, lock)
            if after_driver is not None:
                after_driver(driver.name)

    def _restore(self, ops: HostAccess, driver: Driver, items: list[Item], lock: bool) -> None:
        try:
            self._commit(ops, driver, items, lock)
        except LibvirtError:
            ops.warn("Unable to run security manager transaction")

    def restore_all_label(self, ops: HostAccess, domain: DomainDef, *, lock: bool) -> None:
        """``qemuSecurityRestoreAllLabel``: failures are only warnings."""
        for driver in self.drivers:
            self._restore(ops, driver, driver.restore_all_label(ops, domain), lock)

    def set_image_label(
        self, ops: HostAccess, domain: DomainDef, target: str, *, lock: bool
    ) -> None:
        """``qemuSecuritySetImageLabel`` (hotplug): as for the whole domain, a failed DAC
        commit leaves the committed SELinux labels in place
        (``virSecurityStackTransactionCommit``)."""
        queued = [(driver, driver.image_items(ops, domain, target)) for driver in self.drivers]
        for driver, items in queued:
            self._commit(ops, driver, items, lock)

    def restore_image_label(
        self,
        ops: HostAccess,
        domain: DomainDef,
        target: str,
        *,
        lock: bool,
        after_driver: Callable[[str], None] | None = None,
    ) -> None:
        for driver in self.drivers:
            self._restore(ops, driver, driver.restore_image_items(domain, target), lock)
            if after_driver is not None:
                after_driver(driver.name)


def _enabled(ops: HostAccess, name: str) -> bool:
    if name == "selinux":
        return ops.selinux is not None
    return name == "none"
