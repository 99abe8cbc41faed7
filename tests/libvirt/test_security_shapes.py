"""libvirt's qemusecuritytest invariant, over many domain shapes: after SetAllLabel then
RestoreAllLabel every remembered path is back to its original owner and label, and no
``trusted.libvirt.*`` xattr is left; shared, readonly and backing images keep the labels
libvirt gives them (libvirt.md 3.4, 4.4)."""

from __future__ import annotations

import pytest

from simulator.kernel import ImageInfo
from tests.libvirt.conftest import IMAGES, Lab, disk_xml, domain_xml

SVIRT = "system_u:object_r:svirt_image_t:s0"
CONTENT = "system_u:object_r:virt_content_t:s0"
# Labelled virt_content_t while running, but remembered and restored (kernel, initrd).
CONTENT_RESTORED = "content, restored"


def _setup(lab: Lab, shape: str) -> tuple[str, dict[str, str | None]]:
    """The domain XML and, per path, the label expected while running (None: the imagelabel;
    "same": untouched)."""
    top = lab.file(f"{IMAGES}/top.qcow2")
    if shape == "plain":
        return domain_xml("d", disk_xml(top)), {top: None}
    if shape == "backing-chain":
        base = lab.file(f"{IMAGES}/base.qcow2")
        mid = lab.file(f"{IMAGES}/mid.qcow2", image=ImageInfo("qcow2", base, "qcow2"))
        lab.host.set_image(lab.host.shell, top, ImageInfo("qcow2", mid, "qcow2"))
        return domain_xml("d", disk_xml(top)), {top: None, mid: CONTENT, base: CONTENT}
    if shape == "backing-store-xml":
        base = lab.file(f"{IMAGES}/base.qcow2")
        inner = (
            f"<backingStore type='file'><format type='qcow2'/><source file='{base}'/>"
            "</backingStore>"
        )
        return domain_xml("d", disk_xml(top, inner=inner)), {top: None, base: CONTENT}
    if shape == "shareable":
        return domain_xml("d", disk_xml(top, inner="<shareable/>")), {top: SVIRT}
    if shape == "readonly":
        return domain_xml("d", disk_xml(top, inner="<readonly/>")), {top: CONTENT}
    if shape == "cdrom":
        iso = lab.file(f"{IMAGES}/boot.iso")
        xml = (
            f"<disk type='file' device='cdrom'><source file='{iso}'/>"
            "<target dev='sda' bus='sata'/></disk>"
        )
        return domain_xml("d", xml), {iso: CONTENT}
    if shape == "relabel-no":
        seclabel = "<seclabel model='selinux' relabel='no'/>"
        return domain_xml("d", disk_xml(top, source_inner=seclabel)), {top: "same"}
    if shape == "per-disk-label":
        seclabel = (
            "<seclabel model='selinux' relabel='yes'>"
            "<label>system_u:object_r:svirt_image_t:s0:c7,c8</label></seclabel>"
        )
        return domain_xml("d", disk_xml(top, source_inner=seclabel)), {
            top: "system_u:object_r:svirt_image_t:s0:c7,c8"
        }
    if shape == "static-relabel-yes":
        extra = (
            "<seclabel type='static' model='selinux' relabel='yes'>"
            "<label>system_u:system_r:svirt_t:s0:c10,c20</label></seclabel>"
        )
        return domain_xml("d", disk_xml(top), extra=extra), {
            top: "system_u:object_r:svirt_image_t:s0:c10,c20"
        }
    if shape == "static-relabel-no":
        extra = (
            "<seclabel type='static' model='selinux' relabel='no'>"
            "<label>system_u:system_r:svirt_t:s0:c10,c20</label></seclabel>"
        )
        return domain_xml("d", disk_xml(top), extra=extra), {top: "same"}
    if shape == "none":
        extra = "<seclabel type='none' model='selinux'/>"
        return domain_xml("d", disk_xml(top), extra=extra), {top: "same"}
    if shape == "kernel-initrd":
        kernel = lab.file("/var/lib/libvirt/boot/vmlinuz")
        initrd = lab.file("/var/lib/libvirt/boot/initrd.img")
        extra = f"<os><kernel>{kernel}</kernel><initrd>{initrd}</initrd></os>"
        return domain_xml("d", disk_xml(top), extra=extra), {
            top: None,
            kernel: CONTENT_RESTORED,
            initrd: CONTENT_RESTORED,
        }
    if shape == "nvram":
        nvram = lab.file("/var/lib/libvirt/qemu/nvram_VARS.fd")
        extra = f"<os><loader>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram>{nvram}</nvram></os>"
        return domain_xml("d", disk_xml(top), extra=extra), {top: None, nvram: None}
    if shape == "serial-file":
        log = lab.file("/var/log/libvirt/qemu/d-serial.log")
        serial = f"<serial type='file'><source path='{log}'/></serial>"
        return domain_xml("d", disk_xml(top) + serial), {top: None, log: None}
    if shape == "serial-pty":
        serial = "<serial type='pty'/>"
        return domain_xml("d", disk_xml(top) + serial), {top: None}
    if shape == "two-disks":
        second = lab.file(f"{IMAGES}/data.raw")
        devices = disk_xml(top) + disk_xml(second, target="vdb")
        return domain_xml("d", devices), {top: None, second: None}
    if shape == "block-device":
        xml = (
            "<disk type='block' device='disk'><source dev='/dev/sdb'/>"
            "<target dev='vdb' bus='virtio'/></disk>"
        )
        return domain_xml("d", xml), {"/dev/sdb": None}
    if shape == "symlinked-device":
        xml = (
            "<disk type='block' device='disk'>"
            "<source dev='/dev/disk/by-id/wwn-0x5000c500a1b2c3d4'/>"
            "<target dev='vdb' bus='virtio'/></disk>"
        )
        return domain_xml("d", xml), {"/dev/sde": None}
    if shape == "tcg":
        return domain_xml("d", disk_xml(top), virt_type="qemu"), {top: None}
    if shape == "baselabel":
        extra = (
            "<seclabel type='dynamic' model='selinux'>"
            "<baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel></seclabel>"
        )
        return domain_xml("d", disk_xml(top), extra=extra), {top: None}
    if shape == "home-image":
        home = lab.file("/root/web.qcow2")
        return domain_xml("d", disk_xml(home)), {home: None}
    if shape == "dac-static":
        extra = (
            "<seclabel type='static' model='dac' relabel='yes'><label>+59:+59</label></seclabel>"
        )
        return domain_xml("d", disk_xml(top), extra=extra), {top: None}
    raise AssertionError(shape)


SHAPES = [
    "plain",
    "backing-chain",
    "backing-store-xml",
    "shareable",
    "readonly",
    "cdrom",
    "relabel-no",
    "per-disk-label",
    "static-relabel-yes",
    "static-relabel-no",
    "none",
    "kernel-initrd",
    "nvram",
    "serial-file",
    "serial-pty",
    "two-disks",
    "block-device",
    "symlinked-device",
    "tcg",
    "baselabel",
    "home-image",
    "dac-static",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_set_then_restore_leaves_no_trace(lab: Lab, shape: str) -> None:
    xml, expected = _setup(lab, shape)
    before = {path: (lab.label(path), lab.owner(path)) for path in expected}
    domain = lab.domain(xml)
    selinux = domain.seclabel("selinux")
    imagelabel = None if selinux is None else selinux.imagelabel
    lab.start_labels(domain)
    for path, want in expected.items():
        if want == "same":
            assert lab.label(path) == before[path][0], path
        elif want == CONTENT_RESTORED:
            assert lab.label(path) == CONTENT, path
        else:
            assert lab.label(path) == (want or imagelabel), path
    lab.stop_labels(domain)
    for path, want in expected.items():
        assert lab.libvirt_xattrs(path) == [], path
        if want in (SVIRT, CONTENT):
            # shared, readonly and backing images keep their label and qemu's owner
            assert lab.label(path) == want, path
            continue
        assert (lab.label(path), lab.owner(path)) == before[path], path
    assert lab.mcs.reserved == {}


def test_dynamic_labels_compose_from_the_daemon(lab: Lab) -> None:
    domain = lab.domain(domain_xml("d"))
    selinux, dac = domain.seclabel("selinux"), domain.seclabel("dac")
    assert selinux is not None
    assert dac is not None
    assert selinux.label is not None
    assert selinux.label.startswith("system_u:system_r:svirt_t:s0:c")
    assert selinux.imagelabel == selinux.label.replace("system_r:svirt_t", "object_r:svirt_image_t")
    assert (dac.label, dac.imagelabel) == ("+107:+107", "+107:+107")


def test_tcg_uses_the_alternative_domain_type(lab: Lab) -> None:
    domain = lab.domain(domain_xml("d", virt_type="qemu"))
    label = domain.seclabel("selinux")
    assert label is not None
    assert label.label is not None
    assert ":svirt_tcg_t:" in label.label


def test_running_labels(lab: Lab) -> None:
    top = lab.file(f"{IMAGES}/vm.qcow2")
    domain = lab.domain(domain_xml("d", disk_xml(top)))
    lab.start_labels(domain)
    assert lab.owner(top) == (107, 107)
    names = sorted(lab.libvirt_xattrs(top))
    assert names == [
        b"trusted.libvirt.security.dac",
        b"trusted.libvirt.security.ref_dac",
        b"trusted.libvirt.security.ref_selinux",
        b"trusted.libvirt.security.selinux",
        b"trusted.libvirt.security.timestamp_dac",
        b"trusted.libvirt.security.timestamp_selinux",
    ]
    get = lab.host.getxattr
    shell = lab.host.shell
    assert get(shell, top, b"trusted.libvirt.security.dac") == b"+0:+0"
    assert get(shell, top, b"trusted.libvirt.security.selinux") == (
        b"unconfined_u:object_r:virt_image_t:s0"
    )
    assert get(shell, top, b"trusted.libvirt.security.ref_selinux") == b"1"
    assert get(shell, top, b"trusted.libvirt.security.timestamp_selinux") == b"1749027480"
