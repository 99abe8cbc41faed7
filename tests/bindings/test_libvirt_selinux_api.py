"""The Python faces: code written only against ``import libvirt`` and ``import selinux``
runs on the lab as it would on a real EL9 host."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from simulator import Host
from simulator.bindings import patch_libvirt, patch_selinux

IMAGE = "/var/lib/libvirt/images/vm.qcow2"
XML = f"""<domain type='kvm'>
  <name>vm</name>
  <memory unit='GiB'>1</memory>
  <os>
    <type>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{IMAGE}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""
DISK = """<disk type='file' device='disk'>
  <driver name='qemu' type='raw'/>
  <source file='/var/lib/libvirt/images/data.img'/>
  <target dev='vdb' bus='virtio'/>
</disk>
"""


@pytest.fixture
def host() -> Host:
    host = Host()
    host.write_file(host.shell, IMAGE, b"")
    host.write_file(host.shell, "/var/lib/libvirt/images/data.img", b"")
    return host


def _client_code() -> tuple[str, str, str]:
    """What a monitoring or provisioning script does, with nothing lab-specific in it."""
    import libvirt
    import selinux

    conn = libvirt.open("qemu:///system")
    dom = conn.defineXML(XML)
    before = selinux.getfilecon(IMAGE)[1]
    dom.create()
    label, enforcing = dom.securityLabel()
    assert enforcing == 1
    running = selinux.getfilecon(IMAGE)[1]
    dom.destroy()
    after = selinux.getfilecon(IMAGE)[1]
    dom.undefine()
    conn.close()
    return before, f"{label}|{running}", after


def test_a_client_sees_the_dynamic_label_and_the_restore(host: Host) -> None:
    with patch_libvirt(host), patch_selinux(host):
        before, during, after = _client_code()
    process, image = during.split("|")
    match = re.fullmatch(r"system_u:system_r:svirt_t:s0:(c\d+,c\d+)", process)
    assert match, process
    assert image == f"system_u:object_r:svirt_image_t:s0:{match.group(1)}"
    assert before == after == "unconfined_u:object_r:virt_image_t:s0"
    assert "libvirt" not in sys.modules and "selinux" not in sys.modules


def test_remembered_label_is_visible_while_running(host: Host) -> None:
    with patch_libvirt(host) as libvirt:
        dom = libvirt.open().defineXML(XML)
        dom.create()
        names = host.listxattr(host.shell, IMAGE)
        assert b"trusted.libvirt.security.selinux" in names
        assert b"trusted.libvirt.security.ref_selinux" in names
        dom.destroy()
        assert not [n for n in host.listxattr(host.shell, IMAGE) if n.startswith(b"trusted.")]


def test_errors_carry_code_domain_and_virsh_text(host: Host) -> None:
    with patch_libvirt(host) as libvirt:
        conn = libvirt.open()
        with pytest.raises(libvirt.libvirtError) as caught:
            conn.lookupByName("nosuch")
        error: Any = caught.value
        assert error.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN == 42
        assert error.get_error_domain() == libvirt.VIR_FROM_QEMU == 10
        assert str(error) == "Domain not found: no domain with matching name 'nosuch'"
        dom = conn.defineXML(XML)
        with pytest.raises(libvirt.libvirtError) as caught:
            dom.destroy()
        assert caught.value.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID
        assert str(caught.value) == "Requested operation is not valid: domain is not running"
        dom.create()
        with pytest.raises(libvirt.libvirtError, match="domain is already running"):
            dom.create()


def test_virsh_and_the_api_see_the_same_daemon(host: Host) -> None:
    with patch_libvirt(host) as libvirt:
        conn = libvirt.open()
        dom = conn.defineXML(XML)
        dom.create()
        assert host.run("virsh domstate vm").output == "running\n\n"
        assert conn.listDomainsID() == [dom.ID()] == [1]
        assert conn.lookupByID(1).name() == "vm"
        assert conn.lookupByUUIDString(dom.UUIDString().upper()).name() == "vm"
        assert [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)] == [
            "vm"
        ]
        assert conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE) == []
        assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED]
        assert dom.XMLDesc(0).startswith("<domain type='kvm' id='1'>")
        assert "id=" not in dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE).splitlines()[0]
        host.run("virsh destroy vm")
        assert dom.isActive() == 0
        assert dom.ID() == -1
        assert dom.securityLabelList() == []


def test_hotplug_through_the_api(host: Host) -> None:
    with patch_libvirt(host) as libvirt, patch_selinux(host) as selinux:
        dom = libvirt.open().defineXML(XML)
        dom.create()
        dom.attachDevice(DISK)
        label = selinux.getfilecon("/var/lib/libvirt/images/data.img")[1]
        assert label.startswith("system_u:object_r:svirt_image_t:s0:c")
        dom.detachDevice(DISK)
        assert selinux.getfilecon("/var/lib/libvirt/images/data.img")[1] == (
            "unconfined_u:object_r:virt_image_t:s0"
        )
        dom.destroy()
        with pytest.raises(libvirt.libvirtError, match="domain is not running"):
            dom.attachDevice(DISK)


def test_read_only_connections_refuse_changes(host: Host) -> None:
    with patch_libvirt(host) as libvirt:
        conn = libvirt.openReadOnly("qemu:///system")
        with pytest.raises(libvirt.libvirtError) as caught:
            conn.defineXML(XML)
        assert caught.value.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED
        assert str(caught.value) == (
            "operation forbidden: read only access prevents virDomainDefineXML"
        )


def test_what_is_not_modelled_says_so(host: Host) -> None:
    with patch_libvirt(host) as libvirt:
        conn = libvirt.open()
        dom = conn.defineXML(XML)
        for call in (conn.getInfo, conn.getFreeMemory, lambda: dom.migrate(None, 0)):
            with pytest.raises(libvirt.libvirtError, match=r"^seclab: not modelled: "):
                call()
        with pytest.raises(
            libvirt.libvirtError, match="not modelled: connections to test:///default"
        ):
            libvirt.open("test:///default")


def test_no_host_no_connection() -> None:
    from simulator.bindings import libvirt_api

    with pytest.raises(libvirt_api.libvirtError, match="virtqemud-sock"):
        libvirt_api.open()


def test_selinux_calls_follow_libselinux(host: Host) -> None:
    with patch_selinux(host) as selinux:
        assert selinux.is_selinux_enabled() == 1
        assert selinux.is_selinux_mls_enabled() == 1
        assert selinux.security_getenforce() == 1
        rc, context = selinux.getfilecon("/etc/hostname")
        assert rc == len(context) + 1  # getfilecon.c: strlen + 1
        assert selinux.matchpathcon(IMAGE, 0o100644) == [0, "system_u:object_r:virt_image_t:s0"]
        handle = selinux.selabel_open(selinux.SELABEL_CTX_FILE, None, 0)
        assert selinux.selabel_lookup(handle, "/etc/hostname", 0o100644)[1].endswith(
            ":hostname_etc_t:s0"
        )
        with pytest.raises(OSError, match="No such file or directory") as caught:
            selinux.getfilecon("/nonexistent")
        assert caught.value.errno == 2
        with pytest.raises(OSError) as caught:
            selinux.security_check_context("system_u:object_r:no_such_t:s0")
        assert caught.value.errno == 22
        assert selinux.security_check_context("system_u:object_r:etc_t:s0") == 0
        selinux.setfilecon(IMAGE, "system_u:object_r:etc_t:s0")
        selinux.restorecon(IMAGE)
        assert selinux.getfilecon(IMAGE)[1] == "system_u:object_r:virt_image_t:s0"
        selinux.security_setenforce(0)
        assert host.run("getenforce").output == "Permissive\n"
        with pytest.raises(NotImplementedError, match=r"seclab: not modelled: selinux\.avc_open"):
            selinux.avc_open(None, 0)


def test_fixtures_patch_and_unpatch(lab_libvirt: Any, lab_selinux: Any) -> None:
    import libvirt
    import selinux

    assert libvirt is lab_libvirt
    assert selinux is lab_selinux
    assert libvirt.open().getHostname() == "ol9-host"
