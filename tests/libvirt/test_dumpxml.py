"""The modelled subset of the domain XML, in libvirt's layout, and back."""

from __future__ import annotations

from simulator.libvirt.domain_xml import format_domain, parse_domain
from tests.libvirt.conftest import IMAGES, Lab, disk_xml, domain_xml


def test_live_seclabels_as_commands_md_shows(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/web.qcow2")
    domain = lab.domain(domain_xml("web", disk_xml(image)))
    text = format_domain(domain, domain_id=1)
    selinux = domain.seclabel("selinux")
    assert selinux is not None
    assert text.startswith("<domain type='kvm' id='1'>\n  <name>web</name>\n")
    assert (
        "  <seclabel type='dynamic' model='selinux' relabel='yes'>\n"
        f"    <label>{selinux.label}</label>\n"
        f"    <imagelabel>{selinux.imagelabel}</imagelabel>\n"
        "  </seclabel>\n"
        "  <seclabel type='dynamic' model='dac' relabel='yes'>\n"
        "    <label>+107:+107</label>\n"
        "    <imagelabel>+107:+107</imagelabel>\n"
        "  </seclabel>\n"
    ) in text
    assert "seclabel" not in format_domain(domain, inactive=True)


def test_per_disk_seclabels_and_round_trip() -> None:
    source_inner = "<seclabel model='selinux' relabel='no'/>"
    xml = domain_xml("d", disk_xml("/srv/a.img", source_inner=source_inner))
    domain = parse_domain(xml)
    text = format_domain(domain, inactive=True)
    assert (
        "      <source file='/srv/a.img'>\n"
        "        <seclabel model='selinux' relabel='no'/>\n"
        "      </source>\n"
    ) in text
    assert parse_domain(text) == domain
