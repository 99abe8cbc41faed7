"""A driver's domains (``src/conf/virdomainobjlist.c``) and one domain object
(``virDomainObj`` of ``src/conf/domain_conf.c``, with the QEMU driver's private data of
``qemu_domain.c`` that the lab models: ``rememberOwner`` and the namespaces).
"""

from __future__ import annotations

import itertools

import attrs

from simulator.libvirt.domain_xml import DomainDef


@attrs.define
class Domain:
    """``virDomainObj``: the definitions, the state and the qemu process of one domain."""

    definition: DomainDef  # the persistent (or transient) configuration (obj->def/newDef)
    persistent: bool
    live: DomainDef | None = None
    pid: int | None = None
    id: int | None = None
    # qemuDomainObjPrivate: priv->rememberOwner and priv->namespaces (the mount namespace).
    remember_owner: bool = True
    namespaces: bool = True
    # virDomainObjGetState's reason, as virsh domstate --reason names it.
    reason: str = "unknown"
    # When the guest, asked by system_powerdown, powers off (virtual clock); None: not asked.
    shutdown_at: int | None = None
    paused: bool = False
    # Disks whose I/O failed with error_policy='stop' (virDomainGetDiskErrors), by target.
    disk_errors: dict[str, str] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def active(self) -> bool:
        """``virDomainObjIsActive``: a qemu runs for it."""
        return self.live is not None

    @property
    def state(self) -> str:
        if not self.active:
            return "shut off"
        return "paused" if self.paused else "running"


class DomainObjList(dict[str, Domain]):
    """``virDomainObjList``'s ``objsName``: the domains by name, in the order they were
    added. Each name added gets the next number of a counter (:meth:`order`), so a subset
    (the guests with work due) can be walked in the same order as the whole list without
    walking the whole list."""

    def __init__(self) -> None:
        super().__init__()
        self._counter = itertools.count()
        self._order: dict[str, int] = {}

    def __setitem__(self, name: str, domain: Domain) -> None:
        # libvirt: virDomainObjListAddObjLocked (a name already there keeps its place)
        if name not in self:
            self._order[name] = next(self._counter)
        super().__setitem__(name, domain)

    def setdefault(self, name: str, default: Domain) -> Domain:
        if name not in self:
            self[name] = default
        return self[name]

    def update(self, *args: object, **kwargs: object) -> None:
        raise TypeError("DomainObjList: add domains one by one")

    def order(self, name: str) -> int:
        """Where ``name`` stands in the list (smaller: added earlier)."""
        return self._order[name]
