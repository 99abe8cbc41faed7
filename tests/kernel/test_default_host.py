"""The default host matches host.md, table by table (transcribed here independently)."""

from __future__ import annotations

import pytest

import simulator
from simulator.kernel import DeviceNumber, Kind


def sys(type_: str) -> str:
    return f"system_u:object_r:{type_}:s0"


@pytest.fixture(scope="module")
def host() -> simulator.Host:
    return simulator.Host()


def _names(host: simulator.Host, path: str) -> dict[str, int]:
    entries = host.read_file(host.shell, path).decode().splitlines()
    return {line.split(":")[0]: int(line.split(":")[2]) for line in entries}


# host.md, "Users and groups"
USERS = {"root": 0, "qemu": 107, "tss": 59, "user": 1000}
GROUPS = {"root": 0, "qemu": 107, "tss": 59, "user": 1000, "disk": 6, "kvm": 36}


def test_users_and_groups(host: simulator.Host) -> None:
    users, groups = _names(host, "/etc/passwd"), _names(host, "/etc/group")
    for name, uid in USERS.items():
        assert users[name] == uid
    for name, gid in GROUPS.items():
        assert groups[name] == gid
    kvm = next(
        line
        for line in host.read_file(host.shell, "/etc/group").decode().splitlines()
        if line.startswith("kvm:")
    )
    assert kvm.split(":")[3].split(",") == ["qemu"]


# host.md, "Processes at start": pid, uid, context, comm, argv, mount ns
PROCESSES = [
    (
        1,
        0,
        "system_u:system_r:init_t:s0",
        "systemd",
        "/usr/lib/systemd/systemd --switched-root --system --deserialize 31",
        4026531841,
    ),
    (62, 0, "system_u:system_r:kernel_t:s0", "kdevtmpfs", "kdevtmpfs", 4026531862),
    (812, 0, "system_u:system_r:auditd_t:s0", "auditd", "/sbin/auditd", 4026531841),
    (
        1043,
        0,
        "system_u:system_r:virtqemud_t:s0",
        "virtqemud",
        "/usr/sbin/virtqemud --timeout 120",
        4026531841,
    ),
    (2000, 0, "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023", "bash", "-bash", 4026531841),
]


@pytest.mark.parametrize(("pid", "uid", "context", "comm", "args", "ns"), PROCESSES)
def test_processes(
    host: simulator.Host, pid: int, uid: int, context: str, comm: str, args: str, ns: int
) -> None:
    proc = host.process(pid)
    assert (proc.uid, proc.context, proc.comm, " ".join(proc.argv), proc.ns_id) == (
        uid,
        context,
        comm,
        args,
        ns,
    )


def test_only_those_processes(host: simulator.Host) -> None:
    assert sorted(host.processes) == [p[0] for p in PROCESSES]
    assert host.shell.cwd == "/root"


# host.md, "Filesystems and mounts": mount point, type, audit device, xattrs
MOUNTS = [
    ("/", "xfs", "dm-0", True),
    ("/dev", "devtmpfs", "devtmpfs", True),
    ("/dev/pts", "devpts", None, None),
    ("/dev/shm", "tmpfs", None, None),
    ("/dev/mqueue", "mqueue", None, None),
    ("/dev/hugepages", "hugetlbfs", None, None),
    ("/proc", "proc", "proc", False),
    ("/run", "tmpfs", "tmpfs", True),
]


@pytest.mark.parametrize(("path", "fstype", "audit_dev", "xattrs"), MOUNTS)
def test_mounts(
    host: simulator.Host, path: str, fstype: str, audit_dev: str | None, xattrs: bool | None
) -> None:
    loc = host.walk(host.shell, path, simulator.kernel.security.Syscall("test")).location
    assert loc is not None
    assert host.is_mount_root(loc)
    fs = host.fs_at(loc)
    assert fs.fstype == fstype
    if audit_dev is not None:
        assert fs.audit_dev == audit_dev
    if xattrs is not None:
        assert fs.features.xattrs is xattrs
        assert fs.features.trusted_xattrs is xattrs


def test_root_filesystem_device(host: simulator.Host) -> None:
    assert host.stat(host.shell, "/").st_dev == DeviceNumber(253, 0)


# host.md, "Files and devices present at start": directories (path, uid:gid, mode, context)
DIRECTORIES = [
    ("/root", "0:0", 0o550, sys("admin_home_t")),
    ("/home", "0:0", 0o755, sys("home_root_t")),
    ("/home/user", "1000:1000", 0o700, "unconfined_u:object_r:user_home_dir_t:s0"),
    ("/tmp", "0:0", 0o1777, sys("tmp_t")),
    ("/etc", "0:0", 0o755, sys("etc_t")),
    ("/etc/libvirt", "0:0", 0o755, sys("virt_etc_t")),
    ("/etc/libvirt/qemu", "0:0", 0o700, sys("virt_etc_rw_t")),
    ("/var/lib/libvirt", "0:0", 0o755, sys("virt_var_lib_t")),
    ("/var/lib/libvirt/images", "0:0", 0o711, sys("virt_image_t")),
    ("/var/lib/libvirt/boot", "0:0", 0o755, sys("virt_content_t")),
    ("/var/lib/libvirt/qemu", "107:107", 0o751, sys("qemu_var_run_t")),
    ("/run/libvirt/qemu", "0:0", 0o755, sys("qemu_var_run_t")),
    ("/srv", "0:0", 0o755, sys("var_t")),
    ("/mnt", "0:0", 0o755, sys("mnt_t")),
    ("/usr/libexec", "0:0", 0o755, sys("bin_t")),
]


@pytest.mark.parametrize(("path", "owner", "mode", "context"), DIRECTORIES)
def test_directories(host: simulator.Host, path: str, owner: str, mode: int, context: str) -> None:
    st = host.stat(host.shell, path)
    assert st.kind is Kind.DIRECTORY
    assert f"{st.st_uid}:{st.st_gid}" == owner
    assert st.mode == mode
    assert host.getfilecon(host.shell, path) == context


# Files: path, mode, context
FILES = [
    ("/usr/libexec/qemu-kvm", 0o755, sys("qemu_exec_t")),
    ("/etc/libvirt/qemu.conf", 0o600, sys("virt_etc_t")),
    ("/etc/passwd", None, None),
    ("/etc/group", None, None),
    ("/etc/selinux/config", None, None),
    ("/etc/selinux/targeted/contexts/virtual_domain_context", None, None),
    ("/etc/selinux/targeted/contexts/virtual_image_context", None, None),
]


@pytest.mark.parametrize(("path", "mode", "context"), FILES)
def test_files(host: simulator.Host, path: str, mode: int | None, context: str | None) -> None:
    st = host.stat(host.shell, path)
    assert st.kind is Kind.REGULAR
    if mode is not None:
        assert st.mode == mode
    if context is not None:
        assert host.getfilecon(host.shell, path) == context
    assert host.getfilecon(host.shell, path).startswith("system_u:")


def test_contexts_files(host: simulator.Host) -> None:
    base = "/etc/selinux/targeted/contexts/"
    domain = host.read_file(host.shell, base + "virtual_domain_context").decode().split()
    image = host.read_file(host.shell, base + "virtual_image_context").decode().split()
    assert [c.split(":")[2] for c in domain] == ["svirt_t", "svirt_tcg_t"]
    assert image == [sys("svirt_image_t"), sys("virt_content_t")]


def test_qemu_conf_has_every_key_commented_out(host: simulator.Host) -> None:
    text = host.read_file(host.shell, "/etc/libvirt/qemu.conf").decode()
    assert all(not line.strip() or line.startswith("#") for line in text.splitlines())
    assert '#security_driver = "selinux"' in text


# Device nodes: path, kind, rdev, uid:gid, mode, type
DEVICES = [
    ("/dev/null", Kind.CHAR, "1:3", "0:0", 0o666, "null_device_t"),
    ("/dev/zero", Kind.CHAR, "1:5", "0:0", 0o666, "zero_device_t"),
    ("/dev/full", Kind.CHAR, "1:7", "0:0", 0o666, "null_device_t"),
    ("/dev/random", Kind.CHAR, "1:8", "0:0", 0o666, "random_device_t"),
    ("/dev/urandom", Kind.CHAR, "1:9", "0:0", 0o666, "random_device_t"),
    ("/dev/ptmx", Kind.CHAR, "5:2", "0:5", 0o666, "ptmx_t"),
    ("/dev/kvm", Kind.CHAR, "10:232", "0:36", 0o666, "kvm_device_t"),
    ("/dev/userfaultfd", Kind.CHAR, "10:126", "0:0", 0o600, "userfaultfd_device_t"),
    ("/dev/sda", Kind.BLOCK, "8:0", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sda1", Kind.BLOCK, "8:1", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sda2", Kind.BLOCK, "8:2", "0:6", 0o660, "fixed_disk_device_t"),
    *[
        (f"/dev/sd{letter}", Kind.BLOCK, f"8:{16 * n}", "0:6", 0o660, "fixed_disk_device_t")
        for n, letter in enumerate("bcdef", start=1)
    ],
    ("/dev/dm-0", Kind.BLOCK, "253:0", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sr0", Kind.BLOCK, "11:0", "0:11", 0o660, "removable_device_t"),
]


@pytest.mark.parametrize(("path", "kind", "rdev", "owner", "mode", "type_"), DEVICES)
def test_devices(
    host: simulator.Host, path: str, kind: Kind, rdev: str, owner: str, mode: int, type_: str
) -> None:
    st = host.lstat(host.shell, path)
    assert (st.kind, str(st.st_rdev), f"{st.st_uid}:{st.st_gid}", st.mode) == (
        kind,
        rdev,
        owner,
        mode,
    )
    assert st.fstype == "devtmpfs"
    assert host.getfilecon(host.shell, path) == sys(type_)


@pytest.mark.parametrize(
    ("link", "target", "resolves_to"),
    [
        ("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "../../sde", "/dev/sde"),
        ("/dev/mapper/ol-root", "../dm-0", "/dev/dm-0"),
        ("/dev/cdrom", "sr0", "/dev/sr0"),
    ],
)
def test_symlinks(host: simulator.Host, link: str, target: str, resolves_to: str) -> None:
    assert host.readlink(host.shell, link) == target
    assert host.realpath(host.shell, link) == resolves_to


def test_the_default_selinux_state(host: simulator.Host) -> None:
    config = host.read_file(host.shell, "/etc/selinux/config").decode()
    assert "SELINUX=enforcing" in config
    assert "SELINUXTYPE=targeted" in config
