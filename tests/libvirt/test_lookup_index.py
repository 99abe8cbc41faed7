"""Lookups by id, UUID and name go through the domain list's indexes and answer what a walk
over every domain answers (``virshLookupDomainInternal``: id, then UUID, then name)."""

from __future__ import annotations

import simulator
from simulator.libvirt.qemu_driver import Daemon, Domain
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

NAMES = ["vm", "1", "abc", "2", "cafe-0", "3"]


def _walk(daemon: Daemon, key: str) -> Domain | None:
    """The first layout's lookup: a walk over every domain."""
    if key.isdigit():
        for domain in daemon.domains.values():
            if domain.id == int(key):
                return domain
    for domain in daemon.domains.values():
        if key in (domain.definition.uuid, domain.name):
            return domain
    return None


def _indexed(daemon: Daemon, key: str) -> Domain | None:
    try:
        return daemon.lookup(key)
    except LibvirtError:
        return None


def test_indexed_lookups_answer_what_a_walk_answers() -> None:
    host = simulator.Host()
    daemon = host.libvirt
    for name in NAMES:
        host.write_file(host.shell, f"{IMAGES}/{name}.qcow2", b"")
        daemon.define(domain_xml(name, disk_xml(f"{IMAGES}/{name}.qcow2")))
    for name in ("abc", "3", "vm", "1"):  # ids 1..4: "1" is a name and an id
        daemon.start(daemon.domains[name])
    daemon.destroy("abc")
    daemon.start(daemon.domains["abc"])  # id 5
    daemon.undefine("2")
    host.write_file(host.shell, f"{IMAGES}/7.qcow2", b"")
    daemon.create(domain_xml("7", disk_xml(f"{IMAGES}/7.qcow2")))  # transient, id 6
    twin = daemon.domains["vm"].definition.uuid  # a name that is another domain's UUID
    daemon.define(domain_xml(twin, disk_xml(f"{IMAGES}/7.qcow2")))
    assert _indexed(daemon, twin) is daemon.domains["vm"]  # listed first
    keys = [*NAMES, "4", "5", "6", "7", "0", "nosuch", "deadbeef"]
    keys += [d.definition.uuid for d in daemon.domains.values()]
    assert _indexed(daemon, "3") is daemon.domains["vm"]  # an id before a name
    for key in keys:
        assert _indexed(daemon, key) is _walk(daemon, key), key
    host.restart_libvirt()
    daemon = host.libvirt
    for key in keys:
        assert _indexed(daemon, key) is _walk(daemon, key), key
