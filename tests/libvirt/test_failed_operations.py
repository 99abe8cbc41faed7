"""Failed daemon operations leave the host as libvirt leaves it on that failure path
(issue 19 items 2, 3, 5, 6): qemuProcessStop with the right flags, the MCS pair released,
the namespace gone, and libvirt's error text."""

from __future__ import annotations

import pytest

import simulator
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

IMAGE = f"{IMAGES}/a.qcow2"
HOST_LABEL = "unconfined_u:object_r:virt_image_t:s0"


def _host() -> tuple[simulator.Host, Daemon]:
    host = simulator.Host()
    host.write_file(host.shell, IMAGE, b"")
    return host, host.libvirt


def _dac(label: str, relabel: str = "yes") -> str:
    return (
        f"<seclabel type='static' model='dac' relabel='{relabel}'><label>{label}</label></seclabel>"
    )


def _assert_nothing_left(host: simulator.Host, daemon: Daemon, name: str) -> None:
    domain = daemon.domains.get(name)
    assert domain is None or not domain.active
    assert [p.comm for p in host.processes.values() if p.comm == "qemu-kvm"] == []
    assert len(host.namespaces) == 2  # the host's and kdevtmpfs's
    assert host.getfilecon(host.shell, IMAGE) == HOST_LABEL
    assert not [n for n in host.listxattr(host.shell, IMAGE) if n.startswith(b"trusted.")]
    assert daemon.mcs.reserved == {}
    assert host.listdir(host.shell, "/run/libvirt/qemu") == []


@pytest.mark.parametrize(
    ("label", "relabel", "user"),
    [
        ("+4294967296:+0", "yes", "4294967296"),
        ("+\u00b2:+0", "yes", "\u00b2"),
        ("+" + "9" * 5000 + ":+0", "no", "9" * 5000),
        ("nosuchuser:qemu", "yes", "nosuchuser"),
    ],
)
def test_a_dac_label_that_does_not_parse_fails_the_start_and_changes_nothing(
    label: str, relabel: str, user: str
) -> None:
    # libvirt: virGetUserID, "+" then virStrToLong_ui, which must fit uid_t.
    host, daemon = _host()
    namespaces = len(host.namespaces)
    daemon.define(domain_xml("a", disk_xml(IMAGE), _dac(label, relabel)))
    with pytest.raises(LibvirtError) as info:
        daemon.start(daemon.lookup("a"))
    assert str(info.value) == f"invalid argument: Failed to parse user '{user}'"
    assert len(host.namespaces) == namespaces
    _assert_nothing_left(host, daemon, "a")


def test_a_baselabel_without_a_level_gets_the_mcs_pair() -> None:
    # libselinux context_new takes user:role:type; virSecuritySELinuxGenNewContext sets the range.
    host, daemon = _host()
    seclabel = (
        "<seclabel type='dynamic' model='selinux'><baselabel>system_u:system_r:svirt_t"
        "</baselabel></seclabel>"
    )
    domain = daemon.define(domain_xml("a", disk_xml(IMAGE), seclabel))
    daemon.start(domain)
    assert host.process(domain.pid or 0).context.startswith("system_u:system_r:svirt_t:s0:c")


def test_a_baselabel_that_does_not_parse_releases_its_mcs_pair() -> None:
    host, daemon = _host()
    seclabel = "<seclabel type='dynamic' model='selinux'><baselabel>svirt_t</baselabel></seclabel>"
    daemon.define(domain_xml("a", disk_xml(IMAGE), seclabel))
    with pytest.raises(LibvirtError, match="Unable to parse base SELinux context 'svirt_t'"):
        daemon.start(daemon.lookup("a"))
    _assert_nothing_left(host, daemon, "a")


def test_create_whose_start_fails_reports_libvirts_error_and_forgets_the_domain() -> None:
    host, daemon = _host()
    with pytest.raises(LibvirtError, match="Failed to parse user '4294967296'"):
        daemon.create(domain_xml("t", disk_xml(IMAGE), _dac("+4294967296:+0")))
    assert "t" not in daemon.domains
    _assert_nothing_left(host, daemon, "t")
    result = host.run(
        "printf %s \"<domain type='kvm'><name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><seclabel type='static' model='dac' "
        "relabel='yes'><label>+4294967296:+0</label></seclabel></domain>\" > t.xml; "
        "virsh create t.xml"
    )
    assert result.output == (
        "error: Failed to create domain from t.xml\n"
        "error: invalid argument: Failed to parse user '4294967296'\n\n"
    )


def test_one_bad_definition_or_status_file_does_not_stop_the_boot() -> None:
    host, daemon = _host()
    for name in ("a", "c"):
        daemon.define(domain_xml(name, disk_xml(IMAGE if name == "a" else f"{IMAGES}/c.img")))
    host.write_file(host.shell, f"{IMAGES}/c.img", b"")
    daemon.start(daemon.lookup("c"))
    qemu = daemon.lookup("c").pid
    bad = "<domain type='kvm'><name>b</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='network'/></devices></domain>"
    host.write_file(host.shell, "/etc/libvirt/qemu/b.xml", bad.encode())
    host.write_file(host.shell, "/etc/libvirt/qemu/bb.xml", b"\xff\xfe<domain")
    host.write_file(host.shell, "/run/libvirt/qemu/x.xml", b"<domstatus pid='x'><domain/>")
    host.write_file(
        host.shell,
        "/run/libvirt/qemu/y.xml",
        b"<domstatus pid='x'>" + domain_xml("y").encode() + b"</domstatus>",
    )
    host.write_file(host.shell, "/etc/libvirt/qemu.conf", b'# caf\xe9\nuser = "qemu"\n')
    host.restart_libvirt()
    daemon = host.libvirt
    assert daemon.running
    assert sorted(daemon.domains) == ["a", "c"]
    assert daemon.lookup("c").active and daemon.lookup("c").pid == qemu
    errors = [text for _, level, text in daemon.log.messages if level == "error"]
    # qemuStateInitialize: the status files load before the definitions
    assert errors == [
        # libxml2's message as catchXMLError formats it (virDomainObjParseFile names the file)
        "/run/libvirt/qemu/x.xml:1: Premature end of data in tag domstatus line 1\n"
        "<domstatus pid='x'><domain/>\n" + "-" * 28 + "^",
        "Failed to load config for domain 'x'",
        "XML error: Missing required attribute 'state' in element 'domstatus'",
        "Failed to load config for domain 'y'",
        "seclab: not modelled: disk type 'network'",
        "Failed to load config for domain 'b'",
        # UTF-16 to libxml2 (its byte order mark): the lab has no text for what it says
        "seclab: not modelled: libxml2's message for this malformed XML",
        "Failed to load config for domain 'bb'",
    ]
    result = host.run("virsh define /etc/libvirt/qemu/a.xml")
    assert result.status == 0, result.output


def test_a_definition_clashing_with_a_running_domain_is_refused_at_boot() -> None:
    # qemuStateInitialize loads the status files first: the running domain 'c' is in the
    # list when the definitions load, so a definition file naming 'c' under another UUID
    # is refused by virDomainObjListAddLocked, and 'c' runs on, transient
    host, daemon = _host()
    host.write_file(host.shell, f"{IMAGES}/c.img", b"")
    daemon.create(domain_xml("c", disk_xml(f"{IMAGES}/c.img")))
    uuid = daemon.lookup("c").definition.uuid
    other = domain_xml("c").replace("<name>c</name>", "<name>c</name><uuid>" + "1" * 32 + "</uuid>")
    host.write_file(host.shell, "/etc/libvirt/qemu/c.xml", other.encode())
    host.restart_libvirt()
    daemon = host.libvirt
    errors = [text for _, level, text in daemon.log.messages if level == "error"]
    assert errors == [
        f"operation failed: domain 'c' already exists with uuid {uuid}",
        "Failed to load config for domain 'c'",
    ]
    assert daemon.lookup("c").active and not daemon.lookup("c").persistent


def test_a_crash_while_handling_a_dead_qemu_is_not_a_client_error() -> None:
    host, daemon = _host()
    daemon.define(domain_xml("a", disk_xml(IMAGE)))
    host.run("virsh start a; lab fault add step before-xattr-wipe; kill -9 $(pidof qemu-kvm)")
    result = host.run("virsh list --all")
    assert result.output == " Id   Name   State\n-----------------------\n -    a      shut off\n\n"
    # The new daemon reconnects, finds qemu gone and runs qemuProcessStop again: the
    # remembered label was already recalled, so matchpathcon's default is set.
    assert host.getfilecon(host.shell, IMAGE) == "system_u:object_r:virt_image_t:s0"


def test_a_dac_failure_on_hotplug_keeps_the_selinux_label_and_drops_the_disk() -> None:
    # virSecurityStackTransactionCommit, then qemuDomainStorageSourceAccessModify's cleanup
    # ("revoke_namespace": no label restore), as in issue 13.2.
    host, daemon = _host()
    data = f"{IMAGES}/data.img"
    host.write_file(host.shell, data, b"")
    daemon.define(domain_xml("a", disk_xml(IMAGE)))
    daemon.start(daemon.lookup("a"))
    host.add_fault("chown", data, "EIO", times=2)
    result = host.run(f"virsh attach-disk a {data} vdb")
    assert result.output == (
        "error: Failed to attach disk\n"
        f"error: unable to set user and group to '107:107' on '{data}': Input/output error\n\n"
    )
    assert host.getfilecon(host.shell, data).startswith("system_u:object_r:svirt_image_t:s0:c")
    live = daemon.lookup("a").live
    assert live is not None and live.disk("vdb") is None


def test_a_reconnected_domain_keeps_its_state_reason() -> None:
    host, daemon = _host()
    daemon.define(domain_xml("a", disk_xml(IMAGE)))
    daemon.start(daemon.lookup("a"))
    host.restart_libvirt()
    assert host.run("virsh domstate a --reason").output == "running (booted)\n\n"


def test_create_verifies_a_static_label_as_define_does() -> None:
    # qemuDomainDefValidate runs virSecurityManagerVerify for define and create alike; a
    # category number of 5000 digits is no valid context (and no Python text).
    host, _ = _host()
    label = "system_u:system_r:svirt_t:s0:c" + "9" * 5000
    xml = domain_xml(
        "t",
        disk_xml(IMAGE),
        f"<seclabel type='static' model='selinux' relabel='yes'><label>{label}</label></seclabel>",
    )
    host.write_file(host.shell, "/root/t.xml", xml.encode())
    result = host.run("virsh create t.xml")
    assert result.output == (
        f"error: Failed to create domain from t.xml\nerror: XML error: Invalid security label "
        f"{label}\n\n"
    )


def test_a_crash_step_during_the_boot_reconnect_leaves_a_daemon_that_starts_again() -> None:
    host, daemon = _host()
    daemon.define(domain_xml("a", disk_xml(IMAGE)))
    daemon.start(daemon.lookup("a"))
    host.exit(daemon.lookup("a").pid or 0)  # qemu dies while the daemon is down
    host.run("lab fault add step before-xattr-wipe")
    host.restart_libvirt()  # reconnect finds qemu gone; qemuProcessStop dies at the step
    result = host.run("virsh list --all; virsh domstate a --reason")
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.output.endswith("shut off (crashed)\n\n"), result.output


def test_two_crash_steps_around_a_dead_qemu_fail_the_call_in_virshs_words() -> None:
    host, daemon = _host()
    daemon.define(domain_xml("a", disk_xml(IMAGE)))
    daemon.start(daemon.lookup("a"))
    host.run("lab fault add step before-xattr-wipe; lab fault add step before-xattr-wipe")
    host.run("kill -9 $(pidof qemu-kvm)")
    result = host.run("virsh destroy a")
    assert result.output == (
        "error: Disconnected from qemu:///system due to end of file\n"
        "error: failed to connect to the hypervisor\n"
        "error: End of file while reading data: Input/output error\n\n"
    )
    assert host.run("virsh domstate a").output == "shut off\n\n"


def test_a_config_file_whose_uuid_is_taken_is_not_loaded() -> None:
    """virDomainObjListLoadAllConfigs -> virDomainObjListAddLocked: a second file with the
    UUID of a domain already loaded, under another name, is refused and logged."""
    host = simulator.Host()
    uuid = "<uuid>5a1c3d1e-2b7f-4c1a-8e1d-3f9a0b6c7d21</uuid>"
    for name in ("a", "b"):
        xml = domain_xml(name).replace("</name>", "</name>" + uuid)
        host.write_file(host.shell, f"/etc/libvirt/qemu/{name}.xml", xml.encode())
    host.restart_libvirt()
    assert sorted(host.libvirt.domains) == ["a"]
    errors = [text for _, level, text in host.libvirt.log.messages if level == "error"]
    assert errors[-2:] == [
        "operation failed: domain 'a' is already defined with uuid "
        "5a1c3d1e-2b7f-4c1a-8e1d-3f9a0b6c7d21",
        "Failed to load config for domain 'b'",
    ]


def test_two_status_files_of_one_domain_load_once() -> None:
    # virDomainObjListLoadStatus: a second file with the UUID of a loaded one is refused
    # ("unexpected domain ..."); one with its name under another UUID fails in the name
    # table (virHashAddEntry's "Duplicate hash table key")
    host, daemon = _host()
    host.write_file(host.shell, f"{IMAGES}/c.img", b"")
    daemon.create(domain_xml("c", disk_xml(f"{IMAGES}/c.img")))
    text = host.read_file(host.shell, "/run/libvirt/qemu/c.xml").decode()
    uuid = daemon.lookup("c").definition.uuid
    host.write_file(host.shell, "/run/libvirt/qemu/d.xml", text.encode())
    other = text.replace(f"<uuid>{uuid}</uuid>", "<uuid>" + "1" * 32 + "</uuid>")
    host.write_file(host.shell, "/run/libvirt/qemu/e.xml", other.encode())
    host.restart_libvirt()
    daemon = host.libvirt
    errors = [text for _, level, text in daemon.log.messages if level == "error"]
    assert errors == [
        "internal error: unexpected domain c already exists",
        "Failed to load config for domain 'd'",
        "internal error: Duplicate hash table key 'c'",
        "Failed to load config for domain 'e'",
    ]
    assert daemon.lookup("c").active
