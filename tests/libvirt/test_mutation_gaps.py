"""Behaviour the mutation run (docs/mutation-report.md) found no libvirt test watching.

Each test names the code it guards; tools/mutation-notes.toml maps the mutants to them.
"""

from __future__ import annotations

import pytest

import simulator
from simulator.libvirt import transaction
from simulator.libvirt.migration import migrate
from simulator.libvirt.qemu_conf import load_config
from simulator.libvirt.transaction import Item
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

IMAGE = f"{IMAGES}/a.qcow2"
OTHER_UUID = "0e6b2c7a-1111-4d1e-9c36-6f0a8e1c2b3d"


def _host() -> simulator.Host:
    host = simulator.Host()
    host.write_file(host.shell, IMAGE, b"")
    return host


SAME_UUID = "<uuid>5a1c3d1e-2b7f-4c1a-8e1d-3f9a0b6c7d21</uuid>"


def test_create_of_a_running_name_is_already_active() -> None:
    """virDomainObjListAddLocked with VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE (qemuDomainCreateXML):
    same name and uuid, running."""
    host = _host()
    host.libvirt.create(domain_xml("t", disk_xml(IMAGE), SAME_UUID))
    with pytest.raises(LibvirtError) as info:
        host.libvirt.create(domain_xml("t", disk_xml(IMAGE), SAME_UUID))
    assert info.value.code is ErrorCode.OPERATION_INVALID
    assert str(info.value) == "Requested operation is not valid: domain 't' is already active"


def test_create_of_a_known_name_with_another_uuid_names_the_uuid() -> None:
    host = _host()
    first = host.libvirt.create(domain_xml("t", disk_xml(IMAGE)))
    with pytest.raises(LibvirtError) as info:
        host.libvirt.create(domain_xml("t", disk_xml(IMAGE), f"<uuid>{OTHER_UUID}</uuid>"))
    assert info.value.code is ErrorCode.OPERATION_FAILED
    assert str(info.value) == (
        f"operation failed: domain 't' already exists with uuid {first.definition.uuid}"
    )
    assert host.libvirt.lookup("t") is first and first.active


def test_an_xml_without_uuid_gets_a_new_one_each_time() -> None:
    """virDomainDefParseXML -> virUUIDGenerate: the same XML without <uuid> defined twice is
    two UUIDs, so the second define clashes with the first domain's name."""
    host = _host()
    first = host.libvirt.define(domain_xml("t", disk_xml(IMAGE)))
    assert first.definition.uuid[14] == "4" and first.definition.uuid[19] in "89ab"
    with pytest.raises(LibvirtError) as info:
        host.libvirt.define(domain_xml("t", disk_xml(IMAGE)))
    assert str(info.value) == (
        f"operation failed: domain 't' already exists with uuid {first.definition.uuid}"
    )
    again = simulator.Host()
    again.write_file(again.shell, IMAGE, b"")
    assert again.libvirt.define(domain_xml("t", disk_xml(IMAGE))).definition == first.definition


def test_a_uuid_defined_under_another_name_is_refused() -> None:
    host = _host()
    host.libvirt.define(domain_xml("t", disk_xml(IMAGE), SAME_UUID))
    with pytest.raises(LibvirtError) as info:
        host.libvirt.define(domain_xml("u", disk_xml(IMAGE), SAME_UUID))
    assert str(info.value) == (
        "operation failed: domain 't' is already defined with uuid "
        "5a1c3d1e-2b7f-4c1a-8e1d-3f9a0b6c7d21"
    )
    assert "u" not in host.libvirt.domains


def test_create_of_a_defined_inactive_domain_runs_the_new_xml_and_keeps_the_definition() -> None:
    """virDomainObjAssignDef(live=true): the created XML runs; the persistent definition is
    vm->newDef, the one the next start uses."""
    host = _host()
    other = f"{IMAGES}/b.qcow2"
    host.write_file(host.shell, other, b"")
    defined = host.libvirt.define(domain_xml("t", disk_xml(IMAGE), SAME_UUID))
    created = host.libvirt.create(domain_xml("t", disk_xml(other), SAME_UUID))
    assert created is defined and created.persistent
    assert created.live is not None and created.live.disks[0].src.path == other
    assert created.definition.disks[0].src.path == IMAGE
    host.libvirt.destroy("t")
    host.libvirt.start(created)
    assert created.live is not None and created.live.disks[0].src.path == IMAGE


def test_a_failed_restore_fails_the_transaction_and_rolls_back_what_was_set() -> None:
    """virSecurity*TransactionRun: a restore that fails is libvirt's internal error, and the
    labels already set in this transaction are restored, newest first."""
    calls: list[tuple[str, str]] = []

    class Ops:
        def warn(self, message: str) -> None:
            calls.append(("warn", message))

    def set_fn(ops: object, path: str, label: str, remember: bool) -> None:
        calls.append(("set", path))

    def restore_fn(ops: object, path: str, remember: bool) -> bool:
        calls.append(("restore", path))
        return path != "/c"

    items = [Item("/a", "l", False), Item("/b", "l", False), Item("/c", None, False, True)]
    with pytest.raises(transaction.TransactionFailed) as info:
        transaction.run(Ops(), items, False, set_fn, restore_fn)  # type: ignore[arg-type]
    assert info.value.code is ErrorCode.INTERNAL_ERROR
    assert str(info.value) == "internal error: Unable to run security manager transaction"
    assert calls == [
        ("set", "/a"),
        ("set", "/b"),
        ("restore", "/c"),
        ("restore", "/b"),
        ("restore", "/a"),
    ]


def test_an_unknown_memory_device_model_is_libvirts_error() -> None:
    """domain_xml._memory: virXMLPropEnum's error names the model, through virsh as a user
    sees it (recorded: tests/libvirt/xml_errors_corpus.jsonl, memory-device-bad-model)."""
    host = simulator.Host()
    xml = "<domain type='kvm'><name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><memory model='ram-x'/></devices></domain>"
    host.write_file(host.shell, "/root/t.xml", xml.encode())
    result = host.run("virsh define /root/t.xml")
    assert (result.output, result.status) == (
        "error: Failed to define domain from /root/t.xml\n"
        "error: XML error: Invalid value for attribute 'model' in element 'memory': 'ram-x'.\n\n",
        1,
    )
    assert "t" not in host.libvirt.domains


def test_a_guestfwd_channel_is_not_modelled_by_name() -> None:
    host = simulator.Host()
    channel = (
        "<channel type='unix'><source mode='bind' path='/tmp/g.sock'/>"
        "<target type='guestfwd' address='10.0.2.1' port='4600'/></channel>"
    )
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", channel).encode())
    result = host.run("virsh define /root/t.xml")
    assert (result.output, result.status) == ("seclab: not modelled: guestfwd channel\n", 3)


def test_a_chardev_source_seclabel_is_in_dumpxml() -> None:
    """domain_xml._chardev_lines: a per-device <seclabel> inside a chardev's <source>."""
    host = simulator.Host()
    serial = (
        "<serial type='file'><source path='/var/log/t.log'>"
        "<seclabel model='selinux' relabel='no'/></source></serial>"
    )
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", serial).encode())
    assert host.run("virsh define /root/t.xml").status == 0
    lines = host.run("virsh dumpxml t").output.splitlines()
    at = lines.index("      <source path='/var/log/t.log'>")
    assert lines[at : at + 3] == [
        "      <source path='/var/log/t.log'>",
        "        <seclabel model='selinux' relabel='no'/>",
        "      </source>",
    ]


def test_lab_explain_names_the_label_libvirt_gave_a_running_guests_disk() -> None:
    """SecurityManager.selinux_image_label (virSecuritySELinuxSetImageLabelInternal's answer
    for the top image) behind ``lab explain``'s ``libvirt:`` line, after a ``chcon`` under a
    running guest."""
    host = _host()
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(IMAGE)).encode())
    assert host.run("virsh define /root/a.xml").status == 0
    assert host.run("virsh start a").status == 0
    label = host.getfilecon(host.shell, IMAGE)
    assert host.run(f"chcon -t virt_image_t {IMAGE}").status == 0
    host.run("sleep 2")  # the guest writes, and is denied
    result = host.run("lab explain")
    assert result.status == 0
    assert (
        f"libvirt: disk vda ({IMAGE}) of domain 'a': labelled {label} "
        "(a writable top image: the domain's imagelabel, libvirt.md 3.4)\n"
    ) in result.output


def test_a_chardev_without_a_type_is_a_pty() -> None:
    """virDomainChrDefParseXML: no type attribute means type='pty' (nothing to label)."""
    host = simulator.Host()
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", "<serial/>").encode())
    assert host.run("virsh define /root/t.xml").status == 0
    assert "    <serial type='pty'>\n" in host.run("virsh dumpxml t").output


def test_a_qemu_conf_list_may_start_on_the_next_line() -> None:
    """virConfParseValue: SKIP_BLANKS_AND_EOL after "[" and around the items."""
    config = load_config('security_driver = [\n  "selinux",\n  "dac"\n]\n')
    assert config.security_driver == ("selinux", "dac")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('security_driver = [\n  # the stack\n  "selinux"\n]\n', "2: expecting a value"),
        ('security_driver = [\n  "selinux",\n  # DAC too\n  "dac"\n]\n', "3: expecting a value"),
        (
            'security_driver = [\n  "selinux"  # SELinux only\n]\n',
            "2: expecting a separator in list",
        ),
    ],
)
def test_a_comment_inside_a_qemu_conf_list_is_a_syntax_error(text: str, where: str) -> None:
    """virConfParseValue skips blanks and newlines in a list, not comments (util/virconf.c)."""
    with pytest.raises(LibvirtError) as info:
        load_config(text)
    assert str(info.value) == (f"configuration file syntax error: /etc/libvirt/qemu.conf:{where}")


def test_a_migration_whose_destination_cannot_start_leaves_nothing_there() -> None:
    """qemuMigrationDstPrepareAny: the incoming transient domain goes away with its failed
    start; the source keeps running. (migration._prepare's own pop is redundant: the failed
    start's qemuProcessStop already drops a transient domain, so its mutant is equivalent;
    this guards the behaviour both give.)"""
    from tests.libvirt.test_migration import _hosts

    kvm1, kvm2, _ = _hosts()
    assert kvm2.run("umount /mnt").status == 0  # the image is not there
    with pytest.raises(LibvirtError):
        migrate(kvm1.libvirt, kvm2.libvirt, "vm", persistent=False, undefine_source=False)
    assert "vm" not in kvm2.libvirt.domains
    assert kvm2.run("virsh list --all").output.splitlines()[2:] == [""]
    assert kvm1.libvirt.lookup("vm").active


def test_info_messages_stay_out_of_the_journal() -> None:
    """virtqemud logs at VIR_LOG_DEFAULT (warning): the VIR_INFO "not supported" of an NFS
    image with virt_use_nfs on is not in ``journalctl -u virtqemud`` (host_access.info)."""
    from tests.libvirt.test_migration import _hosts

    kvm1, _, _ = _hosts()  # vm runs from NFS, virt_use_nfs on
    assert any(level == "info" for _, level, _ in kvm1.libvirt.log.messages)
    assert kvm1.run("journalctl -u virtqemud").output == "-- No entries --\n"


def test_a_restarted_daemon_frees_a_reconnected_pair_on_destroy() -> None:
    """qemuProcessReconnect -> virSecuritySELinuxReserveLabel rebuilds the MCS table from the
    running domains (McsTable._index_level); a destroy after the restart frees the pair
    completely: the next start draws the same pair as on a host that never restarted."""

    def next_label(restart: bool, seed: int) -> str:
        host = simulator.Host(seed=seed)
        host.write_file(host.shell, IMAGE, b"")
        for name in "ab":
            xml = domain_xml(name, disk_xml(IMAGE if name == "a" else f"{IMAGES}/b.qcow2"))
            host.write_file(host.shell, f"/root/{name}.xml", xml.encode())
        host.write_file(host.shell, f"{IMAGES}/b.qcow2", b"")
        assert host.run("virsh define /root/a.xml; virsh define /root/b.xml").status == 0
        assert host.run("virsh start a").status == 0
        if restart:
            assert host.run("systemctl restart virtqemud").status == 0
        assert host.run("virsh destroy a; virsh start b").status == 0
        assert len(host.libvirt.mcs.reserved) == 1
        return host.run("ps -eZ | grep qemu-kvm").output.split()[0]

    for seed in range(4):  # the phantom pair of a leak shifts draws above it
        assert next_label(restart=True, seed=seed) == next_label(restart=False, seed=seed)


def test_a_disk_without_a_source_has_nothing_to_restore() -> None:
    """virSecuritySELinuxRestoreImageLabelSingle returns at once for a disk with no path
    (security_selinux.restore_image_items); destroy neither fails nor warns. An empty
    CD-ROM is such a disk (a disk device without a source is refused at define)."""
    host = simulator.Host()
    disk = "<disk type='file' device='cdrom'><target dev='sdb' bus='sata'/></disk>"
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", disk).encode())
    for command in ("virsh define /root/t.xml", "virsh start t", "virsh destroy t"):
        assert host.run(command).status == 0, command
    assert host.run("journalctl -u virtqemud").output == "-- No entries --\n"


def test_an_egd_rng_backend_is_not_modelled_by_name() -> None:
    host = simulator.Host()
    rng = "<rng model='virtio'><backend model='egd' type='tcp'/></rng>"
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", rng).encode())
    result = host.run("virsh define /root/t.xml")
    assert (result.output, result.status) == (
        "seclab: not modelled: rng device with an egd backend\n",
        3,
    )


def test_an_acpi_table_of_another_type_names_it() -> None:
    """virDomainDefParseBootAcpiOptions: only type='slic' tables."""
    host = simulator.Host()
    xml = (
        "<domain type='kvm'><name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type><acpi><table type='msdm'>/t.bin</table></acpi>"
        "</os><devices/></domain>"
    )
    host.write_file(host.shell, "/root/t.xml", xml.encode())
    result = host.run("virsh define /root/t.xml")
    assert result.output == (
        "error: Failed to define domain from /root/t.xml\n"
        "error: XML error: Unknown acpi table type: msdm\n\n"
    )


def test_a_restore_without_a_remembered_refcount_falls_back_quietly() -> None:
    """virSecurityGetRememberedLabel: no ref xattr is -2 at once (no timestamp check, no
    "Invalid XATTR timestamp" warning); the file gets its default label back."""
    host = _host()
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(IMAGE)).encode())
    assert host.run("virsh define /root/a.xml; virsh start a").status == 0
    assert host.run(f"setfattr -x trusted.libvirt.security.ref_selinux {IMAGE}").status == 0
    assert host.run("virsh destroy a").status == 0
    assert "Invalid XATTR timestamp" not in host.run("journalctl -u virtqemud").output
    assert host.getfilecon(host.shell, IMAGE) == "system_u:object_r:virt_image_t:s0"


def test_a_block_disk_under_nested_dev_directories_gets_its_node_in_the_namespace() -> None:
    """qemuNamespaceMknodOne creates the missing parent directories one by one in the
    domain's private /dev (namespace._make_parents)."""
    host = simulator.Host()
    assert host.run("mkdir -p /dev/vgs/data && mknod /dev/vgs/data/lv1 b 253 7").status == 0
    disk = (
        "<disk type='block' device='disk'><source dev='/dev/vgs/data/lv1'/>"
        "<target dev='vda' bus='virtio'/></disk>"
    )
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", disk).encode())
    assert host.run("virsh define /root/t.xml; virsh start t").status == 0
    pid = host.libvirt.lookup("t").pid
    listing = host.run(f"nsenter -t {pid} -m ls -l /dev/vgs/data").output
    assert listing.splitlines()[1].startswith("brw-r--r--. 1 qemu qemu 253, 7 ")


def test_an_unreadable_virtual_image_context_stops_the_driver_with_libvirts_text() -> None:
    """virSecuritySELinuxQEMUInitialize: fewer than two lines in virtual_image_context."""
    host = simulator.Host()
    empty = ": > /etc/selinux/targeted/contexts/virtual_image_context"
    host.run(f"{empty}; systemctl restart virtqemud; virsh list")
    assert (
        "error : internal error: cannot read SELinux virtual contexts\n"
        in host.run("journalctl -u virtqemud").output
    )


def test_nvram_and_a_disk_without_a_type_in_dumpxml() -> None:
    """virDomainDiskDefParseXML: no type attribute is type='file'; <nvram> is formatted."""
    host = simulator.Host()
    host.write_file(host.shell, IMAGE, b"")
    xml = (
        "<domain type='kvm'><name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type><nvram>/var/lib/libvirt/qemu/nvram/t.fd</nvram>"
        f"</os><devices><disk device='disk'><source file='{IMAGE}'/><target dev='vda'/></disk>"
        "</devices></domain>"
    )
    host.write_file(host.shell, "/root/t.xml", xml.encode())
    assert host.run("virsh define /root/t.xml").status == 0
    out = host.run("virsh dumpxml t").output
    assert "    <nvram>/var/lib/libvirt/qemu/nvram/t.fd</nvram>\n" in out
    assert "    <disk type='file' device='disk'>\n" in out


def test_dac_keeps_its_hands_off_a_chardev_with_relabel_no() -> None:
    """virSecurityDACSetChardevLabel: a per-chardev <seclabel model='dac' relabel='no'/>."""
    host = simulator.Host()
    host.write_file(host.shell, "/var/log/t.log", b"")
    serial = (
        "<serial type='file'><source path='/var/log/t.log'>"
        "<seclabel model='dac' relabel='no'/></source></serial>"
    )
    host.write_file(host.shell, "/root/t.xml", domain_xml("t", serial).encode())
    assert host.run("virsh define /root/t.xml; virsh start t").status == 0
    st = host.stat(host.shell, "/var/log/t.log")
    assert (st.st_uid, st.st_gid) == (0, 0)


def test_dac_remembers_the_owner_of_a_kernel_image() -> None:
    """virSecurityDACSetAllLabel sets the kernel, initrd, loader, ... with remember=true: a
    destroy gives the file its owner back (not root:root)."""
    host = simulator.Host()
    kernel = "/var/lib/libvirt/boot/vmlinuz"
    host.run(f"mkdir -p /var/lib/libvirt/boot; touch {kernel}; chown 1000:1000 {kernel}")
    xml = f"<domain type='kvm'><name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type><kernel>{kernel}</kernel></os><devices/></domain>"
    host.write_file(host.shell, "/root/t.xml", xml.encode())
    assert host.run("virsh define /root/t.xml; virsh start t").status == 0
    assert host.stat(host.shell, kernel).st_uid == 107
    assert host.run("virsh destroy t").status == 0
    st = host.stat(host.shell, kernel)
    assert (st.st_uid, st.st_gid) == (1000, 1000)


def test_the_domains_private_dev_carries_its_image_label() -> None:
    """qemuDomainSetupDev labels the fresh /dev tmpfs with the domain's imagelabel."""
    host = _host()
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(IMAGE)).encode())
    assert host.run("virsh define /root/a.xml; virsh start a").status == 0
    domain = host.libvirt.lookup("a")
    assert domain.live is not None
    imagelabel = domain.live.seclabel("selinux").imagelabel  # type: ignore[union-attr]
    listing = host.run(f"nsenter -t {domain.pid} -m ls -dZ /dev").output
    assert listing == f"{imagelabel} /dev\n"


def test_suspending_a_stopped_domain_is_libvirts_error() -> None:
    host = simulator.Host()
    host.write_file(host.shell, "/root/t.xml", domain_xml("t").encode())
    host.run("virsh define /root/t.xml")
    assert host.run("virsh suspend t").output == (
        "error: Failed to suspend domain 't'\n"
        "error: Requested operation is not valid: domain is not running\n\n"
    )


def test_a_hotplugged_disk_gets_its_remembered_owner_back() -> None:
    """qemuSecuritySetImageLabel with the metadata lock (remember_owner = 1): detach restores
    the owner the image had, not root:root."""
    host = _host()
    data = f"{IMAGES}/data.img"
    host.run(f"touch {data}; chown 1000:1000 {data}")
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(IMAGE)).encode())
    assert host.run("virsh define /root/a.xml; virsh start a").status == 0
    assert host.run(f"virsh attach-disk a {data} vdb").status == 0
    assert host.stat(host.shell, data).st_uid == 107
    assert host.run("virsh detach-disk a vdb").status == 0
    st = host.stat(host.shell, data)
    assert (st.st_uid, st.st_gid) == (1000, 1000)


def test_a_status_file_without_children_reloads_after_a_restart() -> None:
    """With remember_owner = 0 and namespaces = [] the <domstatus> element has no child before
    the <domain> (Daemon._write_status); the restarted daemon still reconnects."""
    host = _host()
    host.run('printf "remember_owner = 0\\nnamespaces = []\\n" > /etc/libvirt/qemu.conf')
    host.run("systemctl restart virtqemud")
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(IMAGE)).encode())
    assert host.run("virsh define /root/a.xml; virsh start a").status == 0
    assert host.run("systemctl restart virtqemud").status == 0
    assert host.libvirt.lookup("a").active


def test_an_ol8_definition_keeps_the_ol8_machine_type() -> None:
    """virDomainDefFormat of a definition saved by an OL8 daemon (Daemon.define)."""
    host = simulator.Host(profile="ol8")
    host.write_file(host.shell, "/root/t.xml", domain_xml("t").encode())
    assert host.run("virsh define /root/t.xml").status == 0
    saved = host.read_file(host.shell, "/etc/libvirt/qemu/t.xml").decode()
    assert f"machine='{host.profile.machine_type}'" in saved
    assert host.profile.machine_type != "pc-q35-rhel9.2.0"
