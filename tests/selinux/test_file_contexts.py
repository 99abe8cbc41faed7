"""matchpathcon semantics: the most specific spec wins; qualifiers; <<none>>; local rules."""

from __future__ import annotations

import pytest

from simulator.selinux.file_contexts import FileContexts, FileContextSpec

FC = FileContexts.fedora()


# selinux-policy.md 3.1, Fedora column.
@pytest.mark.parametrize(
    ("path", "tclass", "expected"),
    [
        ("/var/lib/libvirt", "dir", "system_u:object_r:virt_var_lib_t:s0"),
        ("/var/lib/libvirt/foo", "file", "system_u:object_r:virt_var_lib_t:s0"),
        ("/var/lib/libvirt/images", "dir", "system_u:object_r:virt_image_t:s0"),
        ("/var/lib/libvirt/images/vm1.qcow2", "file", "system_u:object_r:virt_image_t:s0"),
        ("/var/lib/libvirt/boot/x.iso", "file", "system_u:object_r:virt_content_t:s0"),
        ("/var/lib/libvirt/isos/x.iso", "file", "system_u:object_r:virt_content_t:s0"),
        ("/var/lib/libvirt/qemu/domain-1-vm", "dir", "system_u:object_r:qemu_var_run_t:s0"),
        ("/run/libvirt/qemu/vm.xml", "file", "system_u:object_r:qemu_var_run_t:s0"),
        ("/var/log/libvirt/qemu.log", "file", "system_u:object_r:virt_log_t:s0"),
        ("/var/cache/libvirt/x", "file", "system_u:object_r:virt_cache_t:s0"),
        ("/etc/libvirt", "dir", "system_u:object_r:virt_etc_t:s0"),
        ("/etc/libvirt/qemu.conf", "file", "system_u:object_r:virt_etc_t:s0"),
        ("/etc/libvirt/qemu", "dir", "system_u:object_r:virt_etc_rw_t:s0"),
        ("/etc/libvirt/qemu/vm.xml", "file", "system_u:object_r:virt_etc_rw_t:s0"),
        ("/dev/sda", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/vdb", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/nvme0n1", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/nvme0n1p1", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/dm-3", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/loop0", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/md/raid", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/mapper/vg-lv", "blk_file", "system_u:object_r:fixed_disk_device_t:s0"),
        ("/dev/sr0", "blk_file", "system_u:object_r:removable_device_t:s0"),
        ("/dev/mmcblk0", "blk_file", "system_u:object_r:removable_device_t:s0"),
        ("/dev/bus/usb/001/002", "chr_file", "system_u:object_r:usb_device_t:s0"),
        ("/dev/kvm", "chr_file", "system_u:object_r:kvm_device_t:s0"),
        ("/dev/vfio/vfio", "chr_file", "system_u:object_r:vfio_device_t:s0"),
        ("/dev/vhost-net", "chr_file", "system_u:object_r:vhost_device_t:s0"),
        ("/dev/net/tun", "chr_file", "system_u:object_r:tun_tap_device_t:s0"),
        ("/root", "dir", "system_u:object_r:admin_home_t:s0"),
        ("/root/web.qcow2", "file", "system_u:object_r:admin_home_t:s0"),
        ("/home", "dir", "system_u:object_r:home_root_t:s0"),
        ("/home/alice", "dir", "unconfined_u:object_r:user_home_dir_t:s0"),
        ("/home/alice/x", "file", "unconfined_u:object_r:user_home_t:s0"),
        ("/home/alice/VirtualMachines/a.img", "file", "unconfined_u:object_r:virt_home_t:s0"),
        (
            "/home/alice/.local/share/libvirt/images/a.img",
            "file",
            "unconfined_u:object_r:svirt_home_t:s0",
        ),
        ("/tmp", "dir", "system_u:object_r:tmp_t:s0"),
        ("/var/tmp", "dir", "system_u:object_r:tmp_t:s0"),
        ("/srv/x", "file", "system_u:object_r:var_t:s0"),
        ("/opt/x", "file", "system_u:object_r:usr_t:s0"),
        ("/var/lib/x", "file", "system_u:object_r:var_lib_t:s0"),
        ("/data/x", "file", "system_u:object_r:default_t:s0"),
        ("/mnt/x", "file", "system_u:object_r:default_t:s0"),
        ("/mnt", "dir", "system_u:object_r:mnt_t:s0"),
        ("/usr/libexec/qemu-kvm", "file", "system_u:object_r:qemu_exec_t:s0"),
        ("/usr/bin/qemu-system-x86_64", "file", "system_u:object_r:qemu_exec_t:s0"),
    ],
)
def test_default_labels(path: str, tclass: str, expected: str) -> None:
    context = FC.default_context(path, tclass)
    assert context is not None
    assert str(context) == expected


@pytest.mark.parametrize("path", ["/tmp/disk.img", "/var/tmp/x", "/proc/1", "/dev/pts/0"])
def test_none_entries(path: str) -> None:
    spec = FC.lookup(path, "file")
    assert spec is not None
    assert spec.context is None


def test_qualifiers_pick_the_class() -> None:
    assert str(FC.default_context("/etc/libvirt/x", "file")).endswith("virt_etc_t:s0")
    assert str(FC.default_context("/etc/libvirt/x", "dir")).endswith("virt_etc_rw_t:s0")
    # A regular file named like a disk is not a fixed disk.
    assert str(FC.default_context("/dev/sda", "file")).endswith("device_t:s0")


def test_local_rules_take_precedence() -> None:
    local = FC.with_local(
        FileContextSpec.of("/srv/vms(/.*)?", "", "system_u:object_r:virt_image_t:s0")
    )
    assert str(local.default_context("/srv/vms/a.img", "file")).endswith("virt_image_t:s0")
    assert str(FC.default_context("/srv/vms/a.img", "file")).endswith("var_t:s0")
    assert local.without_local("/srv/vms(/.*)?") == FC


def test_specificity_order() -> None:
    images = FileContextSpec.of("/var/lib/libvirt/images(/.*)?", "", "u:r:t:s0")
    libvirt = FileContextSpec.of("/var/lib/libvirt(/.*)?", "", "u:r:t:s0")
    exact = FileContextSpec.of("/dev/kvm", "-c", "u:r:t:s0")
    assert libvirt.specificity() < images.specificity() < exact.specificity()
