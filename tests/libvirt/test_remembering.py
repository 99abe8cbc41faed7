"""Remembered labels across domains: refcounts, "already in use", remember_owner = 0,
stale timestamps after a reboot, filesystems without xattrs, failures and rollback."""

from __future__ import annotations

import pytest

from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.libvirt.qemu_conf import QemuConfig
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from tests.libvirt.conftest import IMAGES, Lab, disk_xml, domain_xml

REF = b"trusted.libvirt.security.ref_selinux"
REF_DAC = b"trusted.libvirt.security.ref_dac"
STATIC = (
    "<seclabel type='static' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c10,c20</label></seclabel>"
)


def xattr(lab: Lab, path: str, name: bytes) -> bytes:
    return lab.host.getxattr(lab.host.shell, path, name)


def test_a_second_vm_on_the_same_image_is_refused(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/shared.qcow2")
    first = lab.domain(domain_xml("a", disk_xml(image)))
    lab.start_labels(first)
    running = lab.label(image)
    second = lab.domain(domain_xml("b", disk_xml(image)))
    with pytest.raises(LibvirtError) as info:
        lab.start_labels(second)
    assert str(info.value) == (
        "Requested operation is not valid: Setting different SELinux label on "
        f"{image} which is already in use"
    )
    assert info.value.code is ErrorCode.OPERATION_INVALID
    # The refcount went back down, and the first VM's label is untouched.
    assert xattr(lab, image, REF) == b"1"
    assert lab.label(image) == running
    lab.stop_labels(first)
    assert lab.label(image) == "unconfined_u:object_r:virt_image_t:s0"
    assert lab.libvirt_xattrs(image) == []


def test_a_common_static_label_lets_two_vms_share(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/common.qcow2")
    a = lab.domain(domain_xml("a", disk_xml(image), extra=STATIC))
    b = lab.domain(domain_xml("b", disk_xml(image), extra=STATIC))
    lab.start_labels(a)
    lab.start_labels(b)
    assert xattr(lab, image, REF) == b"2"
    assert xattr(lab, image, REF_DAC) == b"2"
    lab.stop_labels(a)
    assert xattr(lab, image, REF) == b"1"
    assert lab.label(image) == "system_u:object_r:svirt_image_t:s0:c10,c20"  # still in use
    lab.stop_labels(b)
    assert lab.label(image) == "unconfined_u:object_r:virt_image_t:s0"
    assert lab.owner(image) == (0, 0)


def test_dac_already_in_use(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/dac.qcow2")
    none = "<seclabel type='none' model='selinux'/>"
    owner_a = (
        "<seclabel type='static' model='dac' relabel='yes'><label>+107:+107</label></seclabel>"
    )
    owner_b = "<seclabel type='static' model='dac' relabel='yes'><label>+59:+59</label></seclabel>"
    a = lab.domain(domain_xml("a", disk_xml(image), extra=none + owner_a))
    b = lab.domain(domain_xml("b", disk_xml(image), extra=none + owner_b))
    lab.start_labels(a)
    with pytest.raises(LibvirtError) as info:
        lab.start_labels(b)
    assert str(info.value) == (
        "Requested operation is not valid: Setting different DAC user or group on "
        f"{image} which is already in use"
    )
    assert xattr(lab, image, REF_DAC) == b"1"
    assert lab.owner(image) == (107, 107)


def test_remember_owner_off_restores_defaults() -> None:
    lab = Lab.make(QemuConfig(remember_owner=False))
    image = lab.file("/root/web.qcow2")
    lab.host.chown(lab.host.shell, image, 1000, 1000)
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain, lock=False)
    assert lab.libvirt_xattrs(image) == []
    lab.stop_labels(domain, lock=False)
    # root:root and the matchpathcon default, not the original owner and label
    assert lab.owner(image) == (0, 0)
    assert lab.label(image) == "system_u:object_r:admin_home_t:s0"


def test_dynamic_ownership_off_never_chowns() -> None:
    lab = Lab.make(QemuConfig(dynamic_ownership=False))
    image = lab.file(f"{IMAGES}/vm.qcow2")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    assert lab.owner(image) == (0, 0)
    assert REF_DAC not in lab.libvirt_xattrs(image)


def test_after_a_reboot_stale_xattrs_are_dropped(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/vm.qcow2")
    first = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(first)
    old_vm_label = lab.label(image)
    lab.host.clock.reboot()  # the VM died with the host; nothing was restored
    lab.manager.release_label(first)
    again = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(again)
    # The "original" is now the old VM's label: the true original is lost.
    assert xattr(lab, image, b"trusted.libvirt.security.selinux").decode() == old_vm_label
    assert xattr(lab, image, REF) == b"1"
    assert xattr(lab, image, b"trusted.libvirt.security.timestamp_selinux") == (
        str(lab.host.clock.boot_time).encode()
    )
    assert any("Invalid XATTR timestamp detected" in m for _, _, m in lab.ops.log.messages)
    lab.stop_labels(again)
    assert lab.label(image) == old_vm_label


def test_restore_after_reboot_without_restart_uses_defaults(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/vm.qcow2")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    lab.host.clock.reboot()
    lab.stop_labels(domain)
    assert lab.label(image) == "system_u:object_r:virt_image_t:s0"  # matchpathcon
    assert lab.owner(image) == (0, 0)
    assert lab.libvirt_xattrs(image) == []


def test_nfs_labelling_is_skipped_with_a_hint(lab: Lab) -> None:
    lab.host.mount(lab.host.shell, "filer:/vms", "/mnt", "nfs", ("no_root_squash",))
    image = lab.file("/mnt/vm.qcow2")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    assert lab.label(image) == "system_u:object_r:nfs_t:s0"
    assert lab.owner(image) == (107, 107)
    selinux = domain.seclabel("selinux")
    assert selinux is not None
    hint = (
        f"Setting security context '{selinux.imagelabel}' on '{image}' not supported. "
        "Consider setting virt_use_nfs"
    )
    assert (lab.host.clock.now, "warning", hint) in lab.ops.log.messages


def test_filesystems_without_trusted_xattrs_label_without_remembering(lab: Lab) -> None:
    lab.host.mount(lab.host.shell, "filer:/vms", "/mnt", "nfs")  # root squashed
    image = lab.file("/mnt/vm.qcow2")
    lab.host.chmod(lab.host.shell, image, 0o666)
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    lab.stop_labels(domain)
    assert lab.host.listxattr(lab.host.shell, image) == [b"security.selinux"]


def test_a_setfilecon_failure_is_fatal_when_enforcing(lab: Lab) -> None:
    first = lab.file(f"{IMAGES}/a.qcow2")
    second = lab.file(f"{IMAGES}/b.qcow2")
    lab.host.add_fault("setfilecon", second, "EIO")
    domain = lab.domain(domain_xml("d", disk_xml(first) + disk_xml(second, target="vdb")))
    selinux = domain.seclabel("selinux")
    assert selinux is not None
    with pytest.raises(LibvirtError) as info:
        lab.start_labels(domain)
    assert str(info.value) == (
        f"unable to set security context '{selinux.imagelabel}' on '{second}': Input/output error"
    )
    # The transaction rolled back the first disk, xattrs and all.
    assert lab.label(first) == "unconfined_u:object_r:virt_image_t:s0"
    assert lab.libvirt_xattrs(first) == []
    assert lab.libvirt_xattrs(second) == []


def test_a_setfilecon_failure_is_a_warning_when_permissive(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/a.qcow2")
    lsm = lab.host.security
    assert isinstance(lsm, SelinuxLsm)
    lsm.setenforce(False)
    lab.host.add_fault("setfilecon", image, "EIO")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    assert lab.label(image) == "unconfined_u:object_r:virt_image_t:s0"
    assert lab.owner(image) == (107, 107)
    assert lab.libvirt_xattrs(image) == [
        REF_DAC.replace(b"ref_", b""),
        REF_DAC,
        b"trusted.libvirt.security.timestamp_dac",
    ]


def test_a_dac_failure_keeps_selinux_labels(lab: Lab) -> None:
    """virSecurityStackTransactionCommit aborts only the drivers after the failed one."""
    image = lab.file(f"{IMAGES}/a.qcow2")
    lab.host.add_fault("chown", image, "EIO")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    with pytest.raises(LibvirtError) as info:
        lab.start_labels(domain)
    assert str(info.value) == (
        f"unable to set user and group to '107:107' on '{image}': Input/output error"
    )
    assert lab.label(image).startswith("system_u:object_r:svirt_image_t:s0:c")
    assert lab.libvirt_xattrs(image) == [
        b"trusted.libvirt.security.ref_selinux",
        b"trusted.libvirt.security.selinux",
        b"trusted.libvirt.security.timestamp_selinux",
    ]


def test_an_unopenable_image_fails_the_metadata_lock(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/a.qcow2")
    lab.host.add_fault("open", image, "EIO")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    with pytest.raises(LibvirtError, match=f"unable to open {image}: Input/output error"):
        lab.start_labels(domain)


def test_every_change_is_traced(lab: Lab) -> None:
    image = lab.file(f"{IMAGES}/a.qcow2")
    domain = lab.domain(domain_xml("d", disk_xml(image)))
    lab.start_labels(domain)
    functions = [event.function for event in lab.ops.log.trace]
    assert functions[:4] == ["virSecuritySetRememberedLabel"] * 3 + ["virSecuritySELinuxSetFilecon"]
    assert "virSecurityDACSetOwnership" in functions
