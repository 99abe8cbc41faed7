"""The kernel asks SELinux after DAC, in the kernel's order, and audits what it denies."""

from __future__ import annotations

import errno
import os

import pytest

import simulator
from simulator.kernel import Process
from simulator.kernel.audit import AuditEvent, AvcRecord, ProctitleRecord, SyscallRecord
from simulator.kernel.lsm_selinux import SelinuxLsm

IMAGES = "/var/lib/libvirt/images"
O_CLOEXEC = 0o2000000


def lsm(host: simulator.Host) -> SelinuxLsm:
    assert isinstance(host.security, SelinuxLsm)
    return host.security


@pytest.fixture
def vm(host: simulator.Host) -> Process:
    """qemu as libvirt runs it: uid/gid qemu, svirt_t with categories c1,c2."""
    return host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm", "-name", "guest=vm1,debug-threads=on"),
        exe="/usr/libexec/qemu-kvm",
        uid=107,
        gid=107,
        groups=(36,),
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )


def image(host: simulator.Host, name: str, label: str) -> str:
    path = f"{IMAGES}/{name}"
    host.write_file(host.shell, path, b"")
    host.chown(host.shell, path, 107, 107)
    host.chmod(host.shell, path, 0o600)
    host.setfilecon(host.shell, path, label)
    return path


def avcs(host: simulator.Host) -> list[AvcRecord]:
    return [avc for event in host.audit.events for avc in event.avcs]


def test_mcs_mismatch_denies_read_write_with_one_avc(host: simulator.Host, vm: Process) -> None:
    path = image(host, "vm2.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4")
    with pytest.raises(PermissionError):
        host.open(vm, path, os.O_RDWR | O_CLOEXEC)
    (event,) = host.audit.events
    (avc,) = event.avcs
    assert avc.perms == ("read", "write")
    assert (avc.name, avc.path, avc.permissive) == ("vm2.qcow2", None, False)
    assert avc.dev == "dm-0"
    assert avc.ino == host.stat(host.shell, path).st_ino
    assert event.syscall is not None
    assert (event.syscall.syscall, event.syscall.success, event.syscall.exit) == (
        "openat",
        False,
        -13,
    )
    assert event.syscall.args[2] == 0x80002  # O_RDWR|O_CLOEXEC, as qemu passed them


def test_the_same_open_in_permissive_mode_succeeds(host: simulator.Host, vm: Process) -> None:
    path = image(host, "vm2.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4")
    lsm(host).setenforce(False)
    handle = host.open(vm, path, os.O_RDWR)
    (event,) = host.audit.events
    assert event.avcs[0].permissive
    assert event.avcs[0].perms == ("read", "write")
    assert event.syscall is not None
    assert (event.syscall.success, event.syscall.exit) == (True, handle.fd)
    # The AVC remembers what it granted: the same access is not logged again.
    host.open(vm, path, os.O_RDWR)
    assert len(host.audit.events) == 1


def test_virt_image_t_denies_write_only(host: simulator.Host, vm: Process) -> None:
    path = image(host, "base.img", "system_u:object_r:virt_image_t:s0")
    with pytest.raises(PermissionError):
        host.open(vm, path, os.O_RDWR)
    assert [a.perms for a in avcs(host)] == [("write",)]
    host.open(vm, path, os.O_RDONLY)
    assert len(avcs(host)) == 1


def test_fixed_disks_fail_on_open_with_a_path(host: simulator.Host, vm: Process) -> None:
    host.chown(host.shell, "/dev/sdb", 107, 107)
    with pytest.raises(PermissionError):
        host.open(vm, "/dev/sdb", os.O_RDWR)
    (avc,) = avcs(host)
    assert (avc.perms, avc.path, avc.name, avc.tclass, avc.dev) == (
        ("open",),
        "/dev/sdb",
        None,
        "blk_file",
        "devtmpfs",
    )


def test_admin_home_is_denied_read(host: simulator.Host, vm: Process) -> None:
    host.write_file(host.shell, "/root/web.qcow2", b"")
    host.chmod(host.shell, "/root", 0o755)
    host.chmod(host.shell, "/root/web.qcow2", 0o666)
    with pytest.raises(PermissionError):
        host.open(vm, "/root/web.qcow2", os.O_RDWR)
    (avc,) = avcs(host)
    assert avc.perms == ("read", "write")
    assert avc.tcontext == "unconfined_u:object_r:admin_home_t:s0"


def test_dac_is_checked_before_selinux(host: simulator.Host, vm: Process) -> None:
    """A DAC failure never reaches SELinux, so it leaves no AVC."""
    with pytest.raises(PermissionError):
        host.open(vm, "/root/anything", os.O_RDONLY)
    assert host.audit.events == []


def test_search_on_a_directory_of_another_vm(host: simulator.Host, vm: Process) -> None:
    host.mkdir(host.shell, f"{IMAGES}/other")
    host.setfilecon(host.shell, f"{IMAGES}/other", "system_u:object_r:svirt_image_t:s0:c3,c4")
    with pytest.raises(PermissionError):
        host.stat(vm, f"{IMAGES}/other/disk")
    (avc,) = avcs(host)
    assert (avc.perms, avc.name, avc.tclass) == (("search",), "other", "dir")


def test_dontaudit_denies_silently(host: simulator.Host, vm: Process) -> None:
    with pytest.raises(PermissionError):
        host.stat(vm, "/dev/sdc")  # getattr on fixed_disk_device_t: dontaudit
    assert host.audit.events == []


def test_readonly_content_and_shared_images(host: simulator.Host, vm: Process) -> None:
    iso = image(host, "cd.iso", "system_u:object_r:virt_content_t:s0")
    shared = image(host, "shared.img", "system_u:object_r:svirt_image_t:s0")
    host.open(vm, iso, os.O_RDONLY)
    host.open(vm, shared, os.O_RDWR)
    with pytest.raises(PermissionError):
        host.open(vm, iso, os.O_RDWR)
    assert host.audit.events == []  # write on virt_content_t is dontaudit'ed


def test_a_permissive_domain_is_logged_not_enforced(host: simulator.Host) -> None:
    daemon = host.daemon
    host.write_file(host.shell, "/root/web.qcow2", b"")
    host.setfilecon(daemon, "/root/web.qcow2", "system_u:object_r:svirt_image_t:s0:c1,c2")
    assert host.getfilecon(daemon, "/root/web.qcow2").endswith("c1,c2")
    (event,) = host.audit.events
    assert [(a.perms, a.permissive) for a in event.avcs] == [(("relabelfrom",), True)]
    assert event.syscall is not None
    assert event.syscall.syscall == "setxattr"


def test_relabel_to_an_unknown_type_is_einval(host: simulator.Host) -> None:
    host.write_file(host.shell, "/srv/f", b"")
    with pytest.raises(OSError) as info:
        host.setfilecon(host.shell, "/srv/f", "system_u:object_r:no_such_t:s0")
    assert info.value.errno == errno.EINVAL


def test_booleans_change_the_outcome(host: simulator.Host, vm: Process) -> None:
    host.mount(host.shell, "server:/images", "/mnt", "nfs", ("no_root_squash",))
    host.write_file(host.shell, "/mnt/disk.img", b"")
    host.chmod(host.shell, "/mnt/disk.img", 0o666)
    with pytest.raises(PermissionError):
        host.open(vm, "/mnt/disk.img", os.O_RDWR)
    (avc,) = avcs(host)
    assert (avc.perms, avc.dev, avc.path) == (("open",), "0:53", "/mnt/disk.img")
    lsm(host).set_boolean("virt_use_nfs", True)
    host.open(vm, "/mnt/disk.img", os.O_RDWR)


def test_without_auditd_denials_reach_the_kernel_log(host: simulator.Host, vm: Process) -> None:
    host.exit(812)
    path = image(host, "vm2.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4")
    with pytest.raises(PermissionError):
        host.open(vm, path, os.O_RDWR)
    assert host.audit.events == []
    assert host.audit.kernel_log[0].startswith("audit: type=1400 audit(1749031080.137:1001): ")
    assert "avc:  denied  { read write }" in host.audit.kernel_log[0]


def test_serials_and_milliseconds_come_from_counters(host: simulator.Host, vm: Process) -> None:
    path = image(host, "vm2.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4")
    for _ in range(2):
        with pytest.raises(PermissionError):
            host.open(vm, path, os.O_RDWR)
        host.clock.advance()
    stamps = [event.stamp for event in host.audit.events]
    assert stamps == ["audit(1749031080.137:1001)", "audit(1749031081.274:1002)"]


def test_new_files_take_the_parent_level(host: simulator.Host) -> None:
    host.mkdir(host.shell, f"{IMAGES}/vm")
    host.setfilecon(host.shell, f"{IMAGES}/vm", "system_u:object_r:svirt_image_t:s0:c7,c8")
    host.write_file(host.shell, f"{IMAGES}/vm/disk", b"")
    assert host.getfilecon(host.shell, f"{IMAGES}/vm/disk") == (
        "unconfined_u:object_r:svirt_image_t:s0:c7,c8"
    )


# selinux-policy.md 4.2, byte for byte.
SAMPLE = [
    'type=AVC msg=audit(1717642887.414:2031): avc:  denied  { read write } for  pid=4242 comm="qemu-kvm" name="vm2.qcow2" dev="dm-0" ino=1234567 scontext=system_u:system_r:svirt_t:s0:c1,c2 tcontext=system_u:object_r:svirt_image_t:s0:c3,c4 tclass=file permissive=0',
    'type=SYSCALL msg=audit(1717642887.414:2031): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=55d5c0a1b2c0 a2=84002 a3=0 items=1 ppid=1 pid=4242 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="qemu-kvm" exe="/usr/libexec/qemu-kvm" subj=system_u:system_r:svirt_t:s0:c1,c2 key=(null)',
    "type=PROCTITLE msg=audit(1717642887.414:2031): proctitle=2F7573722F6C6962657865632F71656D752D6B766D002D6E616D650067756573743D766D312C64656275672D746872656164733D6F6E",
]


def test_raw_records_match_the_spec_byte_for_byte() -> None:
    event = AuditEvent(
        serial=2031,
        seconds=1717642887,
        millis=414,
        avcs=(
            AvcRecord(
                perms=("read", "write"),
                pid=4242,
                comm="qemu-kvm",
                dev="dm-0",
                ino=1234567,
                scontext="system_u:system_r:svirt_t:s0:c1,c2",
                tcontext="system_u:object_r:svirt_image_t:s0:c3,c4",
                tclass="file",
                permissive=False,
                name="vm2.qcow2",
            ),
        ),
        syscall=SyscallRecord(
            syscall="openat",
            number=257,
            success=False,
            exit=-13,
            args=(0xFFFFFF9C, 0x55D5C0A1B2C0, 0x84002, 0),
            items=1,
            ppid=1,
            pid=4242,
            auid=4294967295,
            uid=0,
            gid=0,
            tty=None,
            ses=4294967295,
            comm="qemu-kvm",
            exe="/usr/libexec/qemu-kvm",
            subj="system_u:system_r:svirt_t:s0:c1,c2",
        ),
        proctitle=ProctitleRecord(("/usr/libexec/qemu-kvm", "-name", "guest=vm1,debug-threads=on")),
    )
    assert event.raw_lines() == SAMPLE


def test_commands_md_avc_example() -> None:
    avc = AvcRecord(
        perms=("read", "write"),
        pid=4810,
        comm="qemu-kvm",
        dev="dm-0",
        ino=1835012,
        scontext="system_u:system_r:svirt_t:s0:c392,c662",
        tcontext="system_u:object_r:virt_image_t:s0",
        tclass="file",
        permissive=False,
        name="vm1.qcow2",
    )
    assert f"type=AVC msg=audit(1710238542.123:4567): {avc.body()}" == (
        'type=AVC msg=audit(1710238542.123:4567): avc:  denied  { read write } for  pid=4810 comm="qemu-kvm" name="vm1.qcow2" dev="dm-0" ino=1835012 scontext=system_u:system_r:svirt_t:s0:c392,c662 tcontext=system_u:object_r:virt_image_t:s0 tclass=file permissive=0'
    )


def test_untrusted_strings_with_spaces_are_hex() -> None:
    avc = AvcRecord(("read",), 1, "my prog", "dm-0", 5, "a", "b", "file", False, name="a b")
    assert 'comm=6D792070726F67 name=612062 dev="dm-0"' in avc.body()


def test_audit_state_survives_snapshots(host: simulator.Host, vm: Process) -> None:
    path = image(host, "vm2.qcow2", "system_u:object_r:svirt_image_t:s0:c3,c4")
    lsm(host).setenforce(False)
    host.open(vm, path, os.O_RDWR)
    loaded = simulator.Host.from_snapshot(host.snapshot())
    assert loaded.snapshot() == host.snapshot()
    assert loaded.audit.events == host.audit.events
