"""The live definition is a copy of the persistent one (virDomainObjSetDefTransient): the
structural copy equals a deep copy, shares nothing mutable, and a start, hotplug and stop
leave the persistent definition exactly as it was."""

from __future__ import annotations

import copy

import attrs

import simulator
from simulator.libvirt.domain_xml import (
    Chardev,
    DomainDef,
    MemoryDevice,
    copy_definition,
    parse_disk,
    parse_domain,
)
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

RICH = domain_xml(
    "rich",
    disk_xml(f"{IMAGES}/a.qcow2")
    + disk_xml(f"{IMAGES}/b.qcow2", "vdb", "<seclabel model='dac' relabel='no'/>")
    + "<serial type='file'><source path='/var/log/rich.log'/></serial>",
    extra="<memory unit='MiB'>2048</memory><vcpu current='1'>2</vcpu>"
    "<os><kernel>/boot/vmlinuz</kernel><initrd>/boot/initrd</initrd></os>"
    "<seclabel type='dynamic' model='selinux'/><seclabel type='dynamic' model='dac'/>",
)


def _mutable_parts(definition: DomainDef) -> list[object]:
    """Every mutable object a definition holds: itself, its lists, and the parts in them
    that are not frozen values."""
    return [
        definition,
        definition.os,
        definition.disks,
        definition.chardevs,
        definition.seclabels,
        definition.memories,
        *definition.disks,
        *definition.chardevs,
        *definition.seclabels,
    ]


def _rich() -> DomainDef:
    """RICH with an nvdimm, added by hand: the QEMU driver refuses memory devices without
    <maxMemory> (qemuDomainDefValidateMemoryHotplug), which the lab does not model."""
    definition = parse_domain(RICH)
    definition.memories.append(MemoryDevice("nvdimm", "/var/lib/nv.img", 524288))
    return definition


def test_the_copy_equals_a_deep_copy_and_shares_nothing_mutable() -> None:
    original = _rich()
    assert original.chardevs and original.memories and original.os.kernel  # the XML is rich
    assert original.memory is not None and original.vcpus is not None
    copied = copy_definition(original)
    assert copied == copy.deepcopy(original)
    shared = {id(p) for p in _mutable_parts(original)} & {id(p) for p in _mutable_parts(copied)}
    assert not shared
    copied.seclabels[0].label = "system_u:system_r:svirt_t:s0:c1,c2"
    copied.disks[0].readonly = True
    copied.disks.append(parse_disk(disk_xml(f"{IMAGES}/c.qcow2", "vdc")))
    copied.os.kernel = None
    copied.chardevs[0].path = "/elsewhere"
    assert original == _rich()


def test_the_copy_knows_every_field_of_a_definition() -> None:
    """A field added to DomainDef must be added to copy_definition (which lists them)."""
    assert [f.name for f in attrs.fields(DomainDef)] == [
        "virt_type",
        "name",
        "uuid",
        "memory",
        "os",
        "vcpus",
        "disks",
        "chardevs",
        "seclabels",
        "memories",
    ]
    assert isinstance(attrs.fields(Chardev).seclabels.default, tuple)


def test_start_hotplug_and_stop_leave_the_persistent_definition_unchanged() -> None:
    host = simulator.Host()
    daemon = host.libvirt
    for name in ("a", "b"):
        host.write_file(host.shell, f"{IMAGES}/{name}.qcow2", b"")
    domain = daemon.define(
        domain_xml("vm", disk_xml(f"{IMAGES}/a.qcow2"), extra="<seclabel type='dynamic'/>")
    )
    before = copy.deepcopy(domain.definition)
    daemon.start(domain)
    assert domain.live is not None and domain.live is not domain.definition
    assert domain.live.seclabel("selinux").label  # type: ignore[union-attr]
    assert domain.definition == before
    daemon.attach_disk(
        "vm", parse_disk(disk_xml(f"{IMAGES}/b.qcow2", "vdb")), live=True, config=False
    )
    assert [d.target for d in domain.live.disks] == ["vda", "vdb"]
    assert domain.definition == before
    daemon.destroy("vm")
    assert domain.definition == before
    daemon.start(domain)
    assert [d.target for d in domain.live.disks] == ["vda"]
    daemon.destroy("vm")
    assert domain.definition == before
