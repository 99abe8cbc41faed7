"""Definitions and status files survive a daemon restart, whatever their values (issue 19)."""

from __future__ import annotations

import simulator
from simulator.libvirt.domain_xml import format_domain, parse_domain
from simulator.libvirt.virxml import MAX_XML_DEPTH
from tests.fuzz.strategies import deep_backing_xml

ODD = (
    "<domain type='kvm'><name>odd</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>"
    "<disk type='file'><driver name='qemu' type='qcow2'/>"
    '<source file="/var/lib/libvirt/images/it\'s&amp;&lt;&quot;.qcow2"/>'
    "<target dev='vda' bus='virtio'/></disk>"
    "<serial type=\"file\"><source mode='&lt;m&gt;' path='/tmp/&quot;s'/></serial>"
    "</devices><seclabel type='dynamic' model=\"sel'inux\"/></domain>"
)


def test_every_attribute_and_text_is_escaped() -> None:
    written = format_domain(parse_domain(ODD), inactive=True)
    assert "file='/var/lib/libvirt/images/it&apos;s&amp;&lt;&quot;.qcow2'" in written
    assert "<source mode='&lt;m&gt;' path='/tmp/&quot;s'/>" in written
    assert "model='sel&apos;inux'" in written
    assert parse_domain(written) == parse_domain(ODD)


def test_control_characters_are_dropped_like_virBufferEscapeString() -> None:
    domain = parse_domain(ODD)
    domain.disks[0].target = "vd\x01a"
    assert "<target dev='vda'" in format_domain(domain, inactive=True)


RUNNABLE = (
    "<domain type='kvm'><name>odd</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>"
    "<disk type='file'><source file=\"/var/lib/libvirt/images/it's&amp;&lt;.img\"/>"
    "<target dev='vda' bus='virtio'/></disk></devices></domain>"
)


def test_an_odd_domain_is_still_there_after_a_daemon_restart() -> None:
    host = simulator.Host()
    host.write_file(host.shell, "/root/odd.xml", RUNNABLE.encode())
    host.write_file(host.shell, "/var/lib/libvirt/images/it's&<.img", b"")
    result = host.run("virsh define /root/odd.xml && virsh start odd")
    assert result.status == 0, result.output
    result = host.run("systemctl restart virtqemud; virsh list --all")
    assert " odd " in result.output and "running" in result.output, result.output
    assert host.run("virsh destroy odd").status == 0


def test_a_chain_deeper_than_libxml2_allows_is_an_xml_error() -> None:
    host = simulator.Host()
    host.write_file(host.shell, "/root/deep.xml", deep_backing_xml(300).encode())
    result = host.run("virsh define /root/deep.xml")
    assert result.status == 1
    assert f"Excessive depth in document: {MAX_XML_DEPTH}" in result.output
    assert "internal error" not in result.output


def test_the_deepest_chain_libxml2_reads_defines_and_reloads() -> None:
    host = simulator.Host()
    # 257 levels (xmlParseElementStart refuses an element when more than 256 are open):
    # domain, devices, disk, the backing stores and the last <source>
    depth = MAX_XML_DEPTH - 3
    host.write_file(host.shell, "/root/deep.xml", deep_backing_xml(depth).encode())
    result = host.run("virsh define /root/deep.xml; systemctl restart virtqemud; virsh list --all")
    assert "deep" in result.output, result.output
    assert "internal error" not in result.output
    domain = host.libvirt.lookup("deep")
    assert len(domain.definition.disks[0].src.chain()) == depth + 1


def test_a_dac_label_out_of_uid_range_fails_like_virGetUserID() -> None:
    # issue 19 item 2's reproducer: the label is refused before anything starts.
    host = simulator.Host()
    host.write_file(host.shell, "/var/lib/libvirt/images/it's&<.img", b"")
    for label, shown in (("+4294967296:+0", "4294967296"), ("+\u00b2:+0", "\u00b2")):
        xml = RUNNABLE.replace(
            "</domain>",
            f"<seclabel type='static' model='dac' relabel='yes'><label>{label}</label>"
            "</seclabel></domain>",
        )
        host.write_file(host.shell, "/root/odd.xml", xml.encode())
        # undefined after each round: without <uuid> each define makes a new UUID
        result = host.run(
            "virsh define /root/odd.xml; virsh start odd; virsh list --all; virsh undefine odd"
        )
        assert f"error: invalid argument: Failed to parse user '{shown}'" in result.output
        assert "running" not in result.output
