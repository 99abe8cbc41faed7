"""A driver's domains (``src/conf/virdomainobjlist.c``) and one domain object
(``virDomainObj`` of ``src/conf/domain_conf.c``, with the QEMU driver's private data of
``qemu_domain.c`` that the lab models: ``rememberOwner`` and the namespaces).
"""

from __future__ import annotations

import itertools

import attrs

from simulator.libvirt.domain_xml import DomainDef
from simulator.libvirt.virerror import ErrorCode, LibvirtError


@attrs.define(repr=False, eq=False)
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
        # objs (by UUID) and the running domains' ids: hints, checked against the domain
        # they name before they are believed.
        self._by_uuid: dict[str, set[str]] = {}
        self._by_id: dict[int, str] = {}

    def __setitem__(self, name: str, domain: Domain) -> None:
        # libvirt: virDomainObjListAddObjLocked (a name already there keeps its place)
        if name not in self:
            self._order[name] = next(self._counter)
        super().__setitem__(name, domain)
        self._by_uuid.setdefault(domain.definition.uuid, set()).add(name)
        self.note_id(domain)

    def __delitem__(self, name: str) -> None:
        # libvirt: virDomainObjListRemoveLocked
        domain = self[name]
        super().__delitem__(name)
        self._forget(name, domain)

    def pop(self, name: str, default: Domain | None = None) -> Domain | None:  # type: ignore[override]
        domain = super().pop(name, None)
        if domain is None:
            return default
        self._forget(name, domain)
        return domain

    def _forget(self, name: str, domain: Domain) -> None:
        self._order.pop(name, None)
        names = self._by_uuid.get(domain.definition.uuid)
        if names is not None:
            names.discard(name)
            if not names:
                del self._by_uuid[domain.definition.uuid]

    def note_id(self, domain: Domain) -> None:
        """``domain`` runs with an id (``vm->def->id``), or stopped and has none."""
        if domain.id is not None:
            self._by_id[domain.id] = domain.name

    def forget_id(self, number: int | None) -> None:
        if number is not None:
            self._by_id.pop(number, None)

    def find_by_id(self, number: int) -> Domain | None:
        """The running domain with id ``number``."""
        # libvirt: virDomainObjListFindByID
        name = self._by_id.get(number)
        found = None if name is None else self.get(name)
        if found is not None and found.id == number:
            return found
        return next((d for d in self.values() if d.id == number), None)

    def find_by_uuid_or_name(self, key: str) -> Domain | None:
        """The first domain (in the list's order) whose UUID or name is ``key``."""
        # libvirt: virDomainObjListFindByUUID, virDomainObjListFindByName
        named = self.get(key)
        matches = self._with_uuid(key) + ([] if named is None else [named])
        if matches:
            return min(matches, key=lambda d: self._order[d.name])
        return next((d for d in self.values() if d.definition.uuid == key), None)

    def find_by_uuid(self, uuid: str) -> Domain | None:
        """The domain whose UUID is ``uuid`` (``doms->objs``), the first in the list's
        order should two carry it."""
        # libvirt: virDomainObjListFindByUUIDLocked
        matches = self._with_uuid(uuid)
        return min(matches, key=lambda d: self._order[d.name]) if matches else None

    def _with_uuid(self, uuid: str) -> list[Domain]:
        """The domains the UUID index names for ``uuid`` that still carry it."""
        found = (self.get(name) for name in self._by_uuid.get(uuid, ()))
        return [d for d in found if d is not None and d.definition.uuid == uuid]

    def replaced_by(self, definition: DomainDef, *, check_live: bool) -> Domain | None:
        """The domain a new ``definition`` is assigned to (same UUID, same name), or None
        when it makes a new domain; a clash raises libvirt's error and changes nothing.

        ``check_live`` is ``VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE`` (``virsh create``, an
        incoming migration): the domain it replaces must be persistent and shut off.
        """
        # libvirt: virDomainObjListAddLocked (its refusals; ->removing is not modelled)
        existing = self.find_by_uuid(definition.uuid)
        if existing is not None:
            if existing.name != definition.name:
                raise LibvirtError(
                    ErrorCode.OPERATION_FAILED,
                    f"domain '{existing.name}' is already defined with uuid {definition.uuid}",
                )
            if check_live and existing.active:
                raise LibvirtError(
                    ErrorCode.OPERATION_INVALID, f"domain '{existing.name}' is already active"
                )
            if check_live and not existing.persistent:
                raise LibvirtError(
                    ErrorCode.OPERATION_INVALID,
                    f"domain '{existing.name}' is already being started",
                )
            return existing
        named = self.get(definition.name)
        if named is not None:
            raise LibvirtError(
                ErrorCode.OPERATION_FAILED,
                f"domain '{definition.name}' already exists with uuid {named.definition.uuid}",
            )
        return None

    def setdefault(self, name: str, default: Domain) -> Domain:
        if name not in self:
            self[name] = default
        return self[name]

    def update(self, *args: object, **kwargs: object) -> None:
        raise TypeError("DomainObjList: add domains one by one")

    def order(self, name: str) -> int:
        """Where ``name`` stands in the list (smaller: added earlier)."""
        return self._order[name]
