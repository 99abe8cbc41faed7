"""Malformed domain XML and qemu.conf: libvirt's error, and the host is unchanged."""

from __future__ import annotations

import pytest

from simulator.errors import NotModelled
from simulator.libvirt.qemu_conf import load_config
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.conftest import Lab

BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<domain type='kvm'><name>&lol2;</name></domain>"
)
EXTERNAL = (
    '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<domain type='kvm'><name>&xxe;</name></domain>"
)


def _d(body: str, type_: str = "kvm") -> str:
    return f"<domain type='{type_}'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os>{body}</domain>"


DOMAIN_CASES = [
    # libvirt's catchXMLError on libxml2's first error (tests/libvirt/xml_errors_corpus.jsonl)
    (
        "<domain type='kvm'><name>vm</name>",
        "(domain_definition):1: Premature end of data in tag domain line 1\n"
        "<domain type='kvm'><name>vm</name>\n" + "-" * 34 + "^",
    ),
    (
        "<domain type='kvm'><name>vm</domain>",
        "(domain_definition):1: Opening and ending tag mismatch: name line 1 and domain\n",
    ),
    ("", "(domain_definition):1: Document is empty\n(null)\n^"),
    (
        "not xml at all",
        "(domain_definition):1: Start tag expected, '<' not found\nnot xml at all\n^",
    ),
    ("<vm type='kvm'/>", "XML error: expecting root element of 'domain', not 'vm'"),
    ("<domain><name>vm</name></domain>", "internal error: missing domain type attribute"),
    (_d("", "bogus"), "unsupported configuration: invalid domain type bogus"),
    ("<domain type='kvm'/>", "missing name information"),
    ("<domain type='kvm'><name></name></domain>", "missing name information"),
    ("<domain type='kvm'><name>a/b</name></domain>", "XML error: name a/b cannot contain '/'"),
    (_d("<uuid>not-a-uuid</uuid>"), "internal error: malformed uuid element"),
    (
        _d("<seclabel type='bogus'/>"),
        "XML error: Invalid value for attribute 'type' in element 'seclabel': 'bogus'.",
    ),
    (
        _d("<seclabel type='dynamic' relabel='maybe'/>"),
        "XML error: Invalid value for attribute 'relabel' in element 'seclabel': 'maybe'.",
    ),
    (
        _d("<seclabel type='dynamic' relabel='no'/>"),
        "unsupported configuration: dynamic label type must use resource relabeling",
    ),
    (
        _d("<seclabel type='none' relabel='yes'/>"),
        "unsupported configuration: resource relabeling is not compatible with 'none' label type",
    ),
    (_d("<seclabel type='static'/>"), "XML error: security label is missing"),
    (
        _d("<seclabel type='static' model='dac'><label></label></seclabel>"),
        "XML error: security label is missing",
    ),
    (
        _d("<seclabel type='static'><label>system_u:system_r:svirt_t:s0:c1024</label></seclabel>"),
        "XML error: Invalid security label system_u:system_r:svirt_t:s0:c1024",
    ),
    (
        _d("<seclabel type='static'><label>system_u:system_r:svirt_t:s0:c5.c2</label></seclabel>"),
        "XML error: Invalid security label system_u:system_r:svirt_t:s0:c5.c2",
    ),
    (
        _d("<seclabel type='static'><label>system_u:system_r:nosuch_t:s0</label></seclabel>"),
        "XML error: Invalid security label system_u:system_r:nosuch_t:s0",
    ),
    (
        _d("<seclabel type='static'><label>garbage</label></seclabel>"),
        "XML error: Invalid security label garbage",
    ),
    (
        _d("<seclabel type='dynamic' model='apparmor'/>"),
        "unsupported configuration: Security driver model 'apparmor' is not available",
    ),
    (
        _d("<seclabel model='selinux'/><seclabel model='selinux'/>"),
        "seclabel for model selinux is already provided",
    ),
    (
        _d("<devices><disk type='floppyish'><target dev='vda'/></disk></devices>"),
        "XML error: Invalid value for attribute 'type' in element 'disk': 'floppyish'.",
    ),
    (
        _d("<devices><disk type='file' device='floppy2'><target dev='fda'/></disk></devices>"),
        "XML error: Invalid value for attribute 'device' in element 'disk': 'floppy2'.",
    ),
    (
        _d("<devices><disk type='file'><source file='/a'/></disk></devices>"),
        "missing target information for device /a",
    ),
    (
        _d(
            "<devices><disk type='file'><source file='/a'/><target dev='vda'/></disk>"
            "<disk type='file'><source file='/b'/><target dev='vda'/></disk></devices>"
        ),
        "XML error: target 'vda' duplicated for disk sources '/a' and '/b'",
    ),
    (
        _d(
            "<devices><disk type='file'><source file='/a'><seclabel relabel='no'>"
            "<label>x</label></seclabel></source><target dev='vda'/></disk></devices>"
        ),
        "XML error: Cannot specify a label if relabelling is turned off. model=<null>",
    ),
    (
        _d(
            "<devices><disk type='file'><source file='/a'><seclabel relabel='sometimes'/>"
            "</source><target dev='vda'/></disk></devices>"
        ),
        "XML error: Invalid value for attribute 'relabel' in element 'seclabel': 'sometimes'.",
    ),
]


@pytest.mark.parametrize(("xml", "message"), DOMAIN_CASES)
def test_bad_domain_xml(lab: Lab, xml: str, message: str) -> None:
    before = lab.host.snapshot()
    with pytest.raises(LibvirtError) as info:
        lab.domain(xml)
    assert str(info.value).startswith(message), str(info.value)
    assert lab.host.snapshot() == before
    assert lab.mcs.reserved == {}


@pytest.mark.parametrize(
    "xml", [BOMB, EXTERNAL, "<!doctype domain><domain/>", _d("", "xen"), _d("", "none")]
)
def test_a_dtd_or_another_hypervisor_is_not_modelled(lab: Lab, xml: str) -> None:
    # libxml2 reads DTDs (and libvirt's test driver defines these); the lab refuses them
    # before expat sees them, so no entity is ever expanded. The QEMU driver refuses the
    # other hypervisors' types with a text the lab does not have.
    before = lab.host.snapshot()
    with pytest.raises(NotModelled):
        lab.domain(xml)
    assert lab.host.snapshot() == before


def test_a_disk_type_libvirt_knows_but_the_lab_does_not_is_not_modelled(lab: Lab) -> None:
    before = lab.host.snapshot()
    with pytest.raises(NotModelled, match="disk type 'network'"):
        lab.domain(_d("<devices><disk type='network'><target dev='vda'/></disk></devices>"))
    assert lab.host.snapshot() == before


CONF_CASES = [
    ("user = ", "configuration file syntax error: /etc/libvirt/qemu.conf:1: expecting a value"),
    (
        'user = "qemu',
        "configuration file syntax error: /etc/libvirt/qemu.conf:1: unterminated string",
    ),
    (
        "user qemu",
        "configuration file syntax error: /etc/libvirt/qemu.conf:1: expecting an assignment",
    ),
    ("\n\n= 1", "configuration file syntax error: /etc/libvirt/qemu.conf:3: expecting a name"),
    (
        'namespaces = [ "mount" "pid" ]',
        "configuration file syntax error: /etc/libvirt/qemu.conf:1: expecting a separator in list",
    ),
    (
        'namespaces = [ "mount",',
        "configuration file syntax error: /etc/libvirt/qemu.conf:1: list is not closed with ]",
    ),
    (
        "remember_owner = 1 2",
        "configuration file syntax error: /etc/libvirt/qemu.conf:1: expecting a separator",
    ),
    ('namespaces = [ "pid" ]', "unsupported configuration: Unknown namespace: pid"),
    (
        'security_driver = [ "selinux", "selinux" ]',
        "configuration file syntax error: Duplicate security driver selinux",
    ),
    (
        "remember_owner = 2",
        "internal error: /etc/libvirt/qemu.conf: value for 'remember_owner' parameter must be 0 or 1",
    ),
    (
        'dynamic_ownership = "yes"',
        "internal error: /etc/libvirt/qemu.conf: expected a bool for 'dynamic_ownership' parameter",
    ),
    (
        "user = 107",
        "internal error: /etc/libvirt/qemu.conf: expected a string for 'user' parameter",
    ),
    (
        "cgroup_device_acl = 1",
        "internal error: /etc/libvirt/qemu.conf: expected a string list for 'cgroup_device_acl' parameter",
    ),
]


@pytest.mark.parametrize(("text", "message"), CONF_CASES)
def test_bad_qemu_conf(text: str, message: str) -> None:
    with pytest.raises(LibvirtError) as info:
        load_config(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('security_driver = "dac"', "internal error: Security driver dac not found"),
        ('security_driver = "apparmor"', "internal error: Security driver apparmor not found"),
        (
            'security_driver = "none"\nsecurity_require_confined = 1',
            'internal error: Security driver "none" cannot create confined guests',
        ),
    ],
)
def test_bad_driver_stacks(text: str, message: str) -> None:
    with pytest.raises(LibvirtError) as info:
        Lab.make(load_config(text))
    assert str(info.value) == message


def test_unconfined_guests_can_be_forbidden() -> None:
    lab = Lab.make(load_config("security_require_confined = 1"))
    xml = _d("<seclabel type='none'/>")
    with pytest.raises(LibvirtError, match="Unconfined guests are not allowed on this host"):
        lab.domain(xml)


def test_default_confined_off_runs_unconfined() -> None:
    lab = Lab.make(load_config("security_default_confined = 0"))
    domain = lab.domain(_d(""))
    assert domain.seclabel("selinux") is None
