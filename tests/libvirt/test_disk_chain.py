"""A disk's backing chain is determined once, at start (or hotplug), and kept in the live
definition (libvirt: qemuProcessPrepareHostStorage -> qemuDomainDetermineDiskChain stores
it in ``disk->src->backingStore``); everything afterwards walks the stored chain."""

from __future__ import annotations

import simulator
from simulator.kernel import ImageInfo
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

TRUSTED = b"trusted.libvirt.security."


def _host() -> simulator.Host:
    return simulator.Host()


def _image(host: simulator.Host, path: str, image: ImageInfo | None = None) -> str:
    host.write_file(host.shell, path, b"")
    if image is not None:
        host.set_image(host.shell, path, image)
    return path


def _define(host: simulator.Host, name: str, devices: str) -> None:
    host.write_file(host.shell, f"/root/{name}.xml", domain_xml(name, devices).encode())
    result = host.run(f"virsh define /root/{name}.xml")
    assert result.status == 0, result.output


def _remembered(host: simulator.Host, path: str) -> list[bytes]:
    return [n for n in host.listxattr(host.shell, path) if n.startswith(TRUSTED)]


def test_a_header_changed_while_running_does_not_change_what_destroy_cleans() -> None:
    """The overlay's header is rewritten while the guest runs to name another domain's
    disk: destroy wipes the remembered xattrs of the chain it started with, not those of
    the image the header names now (the code that re-read headers wiped them)."""
    host = _host()
    base = _image(host, f"{IMAGES}/base.qcow2", ImageInfo("qcow2"))
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", base, "qcow2"))
    other = _image(host, f"{IMAGES}/other.qcow2", ImageInfo("qcow2"))
    _define(host, "a", disk_xml(top))
    _define(host, "b", disk_xml(other))
    assert host.run("virsh start a").status == 0
    assert host.run("virsh start b").status == 0
    held_by_b = _remembered(host, other)
    assert held_by_b  # b's remembered label and owner
    host.set_image(host.shell, top, ImageInfo("qcow2", other, "qcow2"))
    assert host.run("virsh destroy a").status == 0
    assert _remembered(host, other) == held_by_b
    assert _remembered(host, top) == []


def test_the_chain_is_read_once_per_start() -> None:
    """One access check (as the qemu user) and one header read per image at prepare; the
    namespace, both drivers and destroy read no header again."""
    host = _host()
    base = _image(host, f"{IMAGES}/base.qcow2", ImageInfo("qcow2"))
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", base, "qcow2"))
    _define(host, "a", disk_xml(top))
    paths: list[str] = []
    spied = host.kernel.stat

    def stat(proc: object, path: str, **kw: object) -> object:
        paths.append(path)
        return spied(proc, path, **kw)  # type: ignore[arg-type]

    host.kernel.stat = stat  # type: ignore[method-assign,assignment]
    assert host.run("virsh start a").status == 0
    assert host.run("virsh destroy a").status == 0
    # base: the access check and the header read at prepare, then only what libvirt does
    # with a chain element: qemuNamespaceMknodItemInit's lstat and
    # virSecurityDACSetOwnershipInternal's stat (the code that re-read the headers in the
    # namespace, both drivers and at destroy made 8).
    assert paths.count(base) == 4


def test_dumpxml_of_a_running_domain_does_not_print_the_detected_chain() -> None:
    host = _host()
    base = _image(host, f"{IMAGES}/base.qcow2", ImageInfo("qcow2"))
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", base, "qcow2"))
    _define(host, "a", disk_xml(top))
    assert host.run("virsh start a").status == 0
    assert "backingStore" not in host.run("virsh dumpxml a").output


def test_an_unreachable_backing_image_is_named_with_its_top() -> None:
    # libvirt: virStorageSourceReportBrokenChain (src != parent)
    host = _host()
    base = _image(host, "/root/base.qcow2", ImageInfo("qcow2"))
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", base, "qcow2"))
    _define(host, "a", disk_xml(top))
    result = host.run("virsh start a")
    assert result.status == 1
    assert (
        f"error: Cannot access backing file '{base}' of storage file '{top}' "
        "(as uid:107, gid:107): Permission denied"
    ) in result.output


def test_a_missing_raw_image_is_checked_by_the_daemon_itself() -> None:
    """A format without backing support: virFileExists as the daemon, no ids."""
    host = _host()
    xml = (
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        f"<source file='{IMAGES}/gone.img'/><target dev='vda' bus='virtio'/></disk>"
    )
    _define(host, "a", xml)
    result = host.run("virsh start a")
    assert (
        f"error: Cannot access storage file '{IMAGES}/gone.img': No such file or directory"
    ) in result.output


def test_disks_are_prepared_from_the_last() -> None:
    """qemuProcessPrepareHostStorage walks the disks from the last: of two unreachable
    disks, the error names the second."""
    host = _host()
    first = "/root/first.qcow2"
    second = "/root/second.qcow2"
    _image(host, first)
    _image(host, second)
    _define(host, "a", disk_xml(first, "vda") + disk_xml(second, "vdb"))
    result = host.run("virsh start a")
    assert f"Cannot access storage file '{second}'" in result.output


def test_a_self_referential_image_is_refused() -> None:
    host = _host()
    top = _image(host, f"{IMAGES}/loop.qcow2")
    host.set_image(host.shell, top, ImageInfo("qcow2", top, "qcow2"))
    _define(host, "a", disk_xml(top))
    result = host.run("virsh start a")
    assert result.status == 1
    assert (
        f"error: internal error: backing store for {top} is self-referential or too deeply nested"
    ) in result.output


def test_the_qemu_ids_are_those_the_daemon_resolved_at_boot() -> None:
    """qemu.conf's user and group are resolved when the daemon reads its configuration
    (virQEMUDriverConfigLoadSecurityEntry); a passwd edited afterwards changes the ids of
    the pre-check only after a daemon restart."""
    host = _host()
    top = _image(host, "/root/top.qcow2", ImageInfo("qcow2"))
    _define(host, "a", disk_xml(top))
    passwd = host.read_file(host.shell, "/etc/passwd").decode()
    host.write_file(
        host.shell, "/etc/passwd", passwd.replace("qemu:x:107:107", "qemu:x:999:107").encode()
    )
    assert "(as uid:107, gid:107)" in host.run("virsh start a").output
    assert host.run("systemctl restart virtqemud").status == 0
    assert "(as uid:999, gid:107)" in host.run("virsh start a").output


def test_hotplug_determines_the_new_disk_s_chain_first() -> None:
    """qemuDomainAttachDeviceDiskLiveInternal: qemuDomainDetermineDiskChain before the
    namespace and the labels, so an unreachable backing image refuses the attach and
    nothing is labelled."""
    host = _host()
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2"))
    base = _image(host, "/root/base.qcow2", ImageInfo("qcow2"))
    extra = _image(host, f"{IMAGES}/extra.qcow2", ImageInfo("qcow2", base, "qcow2"))
    _define(host, "a", disk_xml(top))
    assert host.run("virsh start a").status == 0
    host.write_file(host.shell, "/root/extra.xml", disk_xml(extra, "vdb").encode())
    result = host.run("virsh attach-device a /root/extra.xml")
    assert result.status == 1
    assert (
        f"Cannot access backing file '{base}' of storage file '{extra}' "
        "(as uid:107, gid:107): Permission denied"
    ) in result.output
    assert _remembered(host, extra) == []
    assert host.stat(host.shell, extra).st_uid == 0


def test_a_given_chain_is_checked_but_not_probed() -> None:
    """qemuDomainDetermineDiskChain with a <backingStore> given: every image that has a
    backing one is checked as the qemu user, the last one is not, and no header is read
    (the header here names an image that does not exist)."""
    host = _host()
    base = _image(host, "/root/base.qcow2", ImageInfo("qcow2"))  # unreachable, last: fine
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", "/nowhere.qcow2", "qcow2"))
    inner = (
        f"<backingStore type='file'><format type='qcow2'/><source file='{base}'/>"
        "<backingStore/></backingStore>"
    )
    _define(host, "a", disk_xml(top, inner=inner))
    assert host.run("virsh start a").status == 0
    assert "backingStore" in host.run("virsh dumpxml a").output  # given: printed


def test_a_restarted_daemon_reads_the_headers_it_needs() -> None:
    """The status file does not carry the detected chain (docs/deviations.md): after a
    daemon restart, destroy reads the headers to wipe the chain's metadata."""
    host = _host()
    base = _image(host, f"{IMAGES}/base.qcow2", ImageInfo("qcow2"))
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2", base, "qcow2"))
    _define(host, "a", disk_xml(top))
    assert host.run("virsh start a").status == 0
    assert host.run("systemctl restart virtqemud").status == 0
    assert host.run("virsh destroy a").status == 0
    assert _remembered(host, top) == []
    assert host.stat(host.shell, top).st_uid == 0


def test_the_pre_check_runs_as_the_domain_s_dac_label() -> None:
    """qemuDomainGetImageIds: qemu.conf's ids, overridden by the domain's DAC label (and a
    disk's own): a domain that runs as root passes the check on an image under /root."""
    host = _host()
    top = _image(host, "/root/top.qcow2", ImageInfo("qcow2"))
    seclabel = "<seclabel type='static' model='dac' relabel='yes'><label>+0:+0</label></seclabel>"
    _define(host, "a", disk_xml(top))
    xml = domain_xml("b", disk_xml(top), extra=seclabel)
    host.write_file(host.shell, "/root/b.xml", xml.encode())
    assert host.run("virsh define /root/b.xml").status == 0
    assert "(as uid:107, gid:107)" in host.run("virsh start a").output
    assert "Cannot access" not in host.run("virsh start b").output


def test_qemu_runs_with_the_groups_of_its_dac_label_s_uid() -> None:
    """virExec: virGetGroupList(cmd->uid, cmd->gid) — the label's uid's primary group, the
    groups listing it, then the label's gid."""
    host = _host()
    top = _image(host, f"{IMAGES}/top.qcow2", ImageInfo("qcow2"))
    seclabel = (
        "<seclabel type='static' model='dac' relabel='yes'><label>+107:+36</label></seclabel>"
    )
    host.write_file(host.shell, "/root/a.xml", domain_xml("a", disk_xml(top), seclabel).encode())
    assert host.run("virsh define /root/a.xml").status == 0
    assert host.run("virsh start a").status == 0
    qemu = host.processes[host.libvirt.domains["a"].pid or -1]
    assert (qemu.uid, qemu.gid, qemu.groups) == (107, 36, (107, 36))
