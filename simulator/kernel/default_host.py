"""The default lab host of ``host.md`` (profile ``ol9``), built from tables.

Pre-existing files carry ``system_u`` and the type their file context gives. Nothing here
goes through system calls: this is the disk as the installer left it, before boot.
"""

from __future__ import annotations

import attrs

from simulator.kernel.base import KernelBase, set_label
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import DeviceNumber, Inode, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.mounts import Location
from simulator.kernel.process import UNSET_ID

HOSTNAME = "ol9-host"
KERNEL_RELEASE = "5.15.0-300.el9uek.x86_64"
HOST_NS_ID = 4026531841
KDEVTMPFS_NS_ID = 4026531862
XFS_FIRST_NEW_INO = 33554560


def _sys(type_: str) -> str:
    return f"system_u:object_r:{type_}:s0"


@attrs.frozen
class Mountpoint:
    path: str
    fstype: str
    source: str
    dev: str
    audit_dev: str
    first_ino: int
    root_mode: int
    root_type: str


# host.md, "Filesystems and mounts", in mount order. "/" comes first.
MOUNTS = (
    Mountpoint("/", "xfs", "/dev/mapper/ol-root", "253:0", "dm-0", 129, 0o555, "root_t"),
    Mountpoint("/proc", "proc", "proc", "0:22", "proc", 2, 0o555, "proc_t"),
    Mountpoint("/dev", "devtmpfs", "devtmpfs", "0:5", "devtmpfs", 700, 0o755, "device_t"),
    Mountpoint("/dev/shm", "tmpfs", "tmpfs", "0:24", "tmpfs", 2, 0o1777, "tmpfs_t"),
    Mountpoint("/dev/pts", "devpts", "devpts", "0:23", "devpts", 2, 0o755, "devpts_t"),
    Mountpoint("/dev/mqueue", "mqueue", "mqueue", "0:20", "mqueue", 2, 0o1777, "tmpfs_t"),
    Mountpoint(
        "/dev/hugepages", "hugetlbfs", "hugetlbfs", "0:21", "hugetlbfs", 2, 0o755, "hugetlbfs_t"
    ),
    Mountpoint("/run", "tmpfs", "tmpfs", "0:25", "tmpfs", 1000, 0o755, "var_run_t"),
)

# (path, owner, mode, full context). Parents come before children.
DIRECTORIES: tuple[tuple[str, str, int, str], ...] = (
    ("/root", "0:0", 0o550, _sys("admin_home_t")),
    ("/home", "0:0", 0o755, _sys("home_root_t")),
    ("/home/user", "1000:1000", 0o700, "unconfined_u:object_r:user_home_dir_t:s0"),
    ("/tmp", "0:0", 0o1777, _sys("tmp_t")),
    ("/etc", "0:0", 0o755, _sys("etc_t")),
    ("/etc/libvirt", "0:0", 0o755, _sys("virt_etc_t")),
    ("/etc/libvirt/qemu", "0:0", 0o700, _sys("virt_etc_rw_t")),
    ("/etc/selinux", "0:0", 0o755, _sys("selinux_config_t")),
    ("/etc/selinux/targeted", "0:0", 0o755, _sys("selinux_config_t")),
    ("/etc/selinux/targeted/contexts", "0:0", 0o755, _sys("default_context_t")),
    ("/var", "0:0", 0o755, _sys("var_t")),
    ("/var/lib", "0:0", 0o755, _sys("var_lib_t")),
    ("/var/lib/libvirt", "0:0", 0o755, _sys("virt_var_lib_t")),
    ("/var/lib/libvirt/images", "0:0", 0o711, _sys("virt_image_t")),
    ("/var/lib/libvirt/boot", "0:0", 0o755, _sys("virt_content_t")),
    ("/var/lib/libvirt/qemu", "107:107", 0o751, _sys("qemu_var_run_t")),
    ("/var/log", "0:0", 0o755, _sys("var_log_t")),
    ("/var/log/audit", "0:0", 0o700, _sys("auditd_log_t")),
    ("/var/log/libvirt", "0:0", 0o700, _sys("virt_log_t")),
    ("/var/log/libvirt/qemu", "0:0", 0o700, _sys("virt_log_t")),
    ("/srv", "0:0", 0o755, _sys("var_t")),
    ("/mnt", "0:0", 0o755, _sys("mnt_t")),
    ("/usr", "0:0", 0o755, _sys("usr_t")),
    ("/usr/bin", "0:0", 0o755, _sys("bin_t")),
    ("/usr/sbin", "0:0", 0o755, _sys("bin_t")),
    ("/usr/lib", "0:0", 0o755, _sys("lib_t")),
    ("/usr/lib/systemd", "0:0", 0o755, _sys("lib_t")),
    ("/usr/libexec", "0:0", 0o755, _sys("bin_t")),
    ("/proc", "0:0", 0o555, _sys("proc_t")),
    ("/dev", "0:0", 0o755, _sys("device_t")),
    ("/run", "0:0", 0o755, _sys("var_run_t")),
    # On the /dev and /run filesystems, after they are mounted:
    ("/dev/shm", "0:0", 0o1777, _sys("tmpfs_t")),
    ("/dev/pts", "0:0", 0o755, _sys("devpts_t")),
    ("/dev/mqueue", "0:0", 0o1777, _sys("tmpfs_t")),
    ("/dev/hugepages", "0:0", 0o755, _sys("hugetlbfs_t")),
    ("/dev/disk", "0:0", 0o755, _sys("device_t")),
    ("/dev/disk/by-id", "0:0", 0o755, _sys("device_t")),
    ("/dev/mapper", "0:0", 0o755, _sys("device_t")),
    ("/run/libvirt", "0:0", 0o755, _sys("virt_var_run_t")),
    ("/run/libvirt/qemu", "0:0", 0o755, _sys("qemu_var_run_t")),
)

# (path, kind, major:minor, owner, mode, type): host.md, "Device nodes in the host /dev".
DEVICES: tuple[tuple[str, Kind, str, str, int, str], ...] = (
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
    ("/dev/sdb", Kind.BLOCK, "8:16", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sdc", Kind.BLOCK, "8:32", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sdd", Kind.BLOCK, "8:48", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sde", Kind.BLOCK, "8:64", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sdf", Kind.BLOCK, "8:80", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/dm-0", Kind.BLOCK, "253:0", "0:6", 0o660, "fixed_disk_device_t"),
    ("/dev/sr0", Kind.BLOCK, "11:0", "0:11", 0o660, "removable_device_t"),
)

# (path, target, type)
SYMLINKS: tuple[tuple[str, str, str], ...] = (
    ("/bin", "usr/bin", "bin_t"),
    ("/sbin", "usr/sbin", "bin_t"),
    ("/lib", "usr/lib", "lib_t"),
    ("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "../../sde", "device_t"),
    ("/dev/mapper/ol-root", "../dm-0", "device_t"),
    ("/dev/cdrom", "sr0", "device_t"),
)

PASSWD = """\
root:x:0:0:root:/root:/bin/bash
tss:x:59:59:Account used for TPM access:/:/usr/sbin/nologin
qemu:x:107:107:qemu user:/:/sbin/nologin
user:x:1000:1000::/home/user:/bin/bash
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
"""

GROUP = """\
root:x:0:
tty:x:5:
disk:x:6:
cdrom:x:11:
kvm:x:36:qemu
tss:x:59:
qemu:x:107:
user:x:1000:
nobody:x:65534:
"""

SELINUX_CONFIG = """\
# This file controls the state of SELinux on the system.
SELINUX=enforcing
SELINUXTYPE=targeted
"""

VIRTUAL_DOMAIN_CONTEXT = "system_u:system_r:svirt_t:s0\nsystem_u:system_r:svirt_tcg_t:s0\n"
VIRTUAL_IMAGE_CONTEXT = "system_u:object_r:svirt_image_t:s0\nsystem_u:object_r:virt_content_t:s0\n"

# As shipped: every setting commented out (an excerpt of the keys the lab reads).
QEMU_CONF = """\
# Main configuration file for the QEMU driver.
#
# The default security driver is SELinux. If SELinux is disabled
# on the host, then the security driver will automatically disable
# itself.
#
#security_driver = "selinux"

# If set to non-zero, then the default security labeling
# will make guests confined.
#
#security_default_confined = 1

# If set to non-zero, then attempts to create unconfined
# guests will be blocked.
#
#security_require_confined = 1

# The user for QEMU processes run by the system instance.
#
#user = "qemu"

# The group for QEMU processes run by the system instance.
#
#group = "qemu"

# Whether libvirt should dynamically change file ownership
# to match the configured user/group above.
#
#dynamic_ownership = 1

# Whether libvirt should remember and restore the original
# ownership over files it is relabeling.
#
#remember_owner = 1

# This is the basic set of devices allowed / required by
# all virtual machines.
#
#cgroup_device_acl = [
#    "/dev/null", "/dev/full", "/dev/zero",
#    "/dev/random", "/dev/urandom",
#    "/dev/ptmx", "/dev/kvm",
#    "/dev/userfaultfd"
#]

# To enhance security, QEMU driver is capable of creating private namespaces
# for each domain started.
#
#namespaces = [ "mount" ]
"""

# (path, owner, mode, type, content, size)
FILES: tuple[tuple[str, str, int, str, str, int | None], ...] = (
    ("/etc/passwd", "0:0", 0o644, "passwd_file_t", PASSWD, None),
    ("/etc/group", "0:0", 0o644, "passwd_file_t", GROUP, None),
    ("/etc/hostname", "0:0", 0o644, "hostname_etc_t", HOSTNAME + "\n", None),
    ("/etc/selinux/config", "0:0", 0o644, "selinux_config_t", SELINUX_CONFIG, None),
    (
        "/etc/selinux/targeted/contexts/virtual_domain_context",
        "0:0",
        0o644,
        "default_context_t",
        VIRTUAL_DOMAIN_CONTEXT,
        None,
    ),
    (
        "/etc/selinux/targeted/contexts/virtual_image_context",
        "0:0",
        0o644,
        "default_context_t",
        VIRTUAL_IMAGE_CONTEXT,
        None,
    ),
    ("/etc/libvirt/qemu.conf", "0:0", 0o600, "virt_etc_t", QEMU_CONF, None),
    ("/usr/libexec/qemu-kvm", "0:0", 0o755, "qemu_exec_t", "", 17865416),
    ("/usr/sbin/virtqemud", "0:0", 0o755, "virtqemud_exec_t", "", 628136),
    ("/usr/sbin/auditd", "0:0", 0o755, "auditd_exec_t", "", 145912),
    ("/usr/lib/systemd/systemd", "0:0", 0o755, "init_exec_t", "", 96456),
    ("/usr/bin/bash", "0:0", 0o755, "shell_exec_t", "", 1390080),
)


@attrs.frozen
class BootProcess:
    pid: int
    ppid: int
    uid: int
    context: str
    comm: str
    argv: tuple[str, ...]
    exe: str
    ns_id: int
    cwd: str = "/"
    login: bool = False
    open_files: tuple[str, ...] = ()


# host.md, "Processes at start".
PROCESSES = (
    BootProcess(
        1,
        0,
        0,
        "system_u:system_r:init_t:s0",
        "systemd",
        ("/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "31"),
        "/usr/lib/systemd/systemd",
        HOST_NS_ID,
        # systemd watches the mount table through libmount's monitor (mnt_monitor), which
        # keeps /proc/self/mountinfo open: a real host answers `umount /proc` with EBUSY.
        open_files=("/proc/1/mountinfo",),
    ),
    BootProcess(
        62, 2, 0, "system_u:system_r:kernel_t:s0", "kdevtmpfs", ("kdevtmpfs",), "", KDEVTMPFS_NS_ID
    ),
    BootProcess(
        812,
        1,
        0,
        "system_u:system_r:auditd_t:s0",
        "auditd",
        ("/sbin/auditd",),
        "/usr/sbin/auditd",
        HOST_NS_ID,
    ),
    BootProcess(
        1043,
        1,
        0,
        "system_u:system_r:virtqemud_t:s0",
        "virtqemud",
        ("/usr/sbin/virtqemud", "--timeout", "120"),
        "/usr/sbin/virtqemud",
        HOST_NS_ID,
    ),
    BootProcess(
        2000,
        1,
        0,
        "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
        "bash",
        ("-bash",),
        "/usr/bin/bash",
        HOST_NS_ID,
        cwd="/root",
        login=True,
    ),
)
SHELL_PID = 2000
AUDITD_PID = 812
DAEMON_PID = 1043


def _owner(text: str) -> tuple[int, int]:
    uid, gid = text.split(":")
    return int(uid), int(gid)


class _Builder:
    """Places inodes straight into filesystems, as an installer would."""

    def __init__(self, kernel: KernelBase, root: Location) -> None:
        self.kernel = kernel
        self.root = root

    def lookup(self, path: str) -> Location:
        loc = self.root
        for part in (p for p in path.split("/") if p):
            inode = self.kernel.inode_at(loc)
            ino = inode.child(part)
            assert ino is not None, f"{path}: {part} missing"
            loc = self.kernel.cross_mounts(Location(loc.mount_id, ino))
        return loc

    def place(self, path: str, kind: Kind, owner: str, mode: int, label: str) -> Inode:
        parent_path, _, name = path.rpartition("/")
        parent_loc = self.lookup(parent_path or "/")
        fs = self.kernel.fs_at(parent_loc)
        directory = fs.inodes[parent_loc.ino]
        inode = fs.allocate(kind, *_owner(owner), mode, self.kernel.clock.boot_time)
        set_label(inode, label)
        inode.nlink = 1
        if kind is Kind.DIRECTORY:
            inode.nlink = 2
            inode.parent = directory.ino
            directory.nlink += 1
        assert directory.entries is not None
        directory.entries[name] = inode.ino
        return inode


def build_default_host(kernel: Kernel) -> None:
    """Turn an empty kernel into host.md's default host."""
    kernel.security = SelinuxLsm()
    boot = kernel.clock.boot_time
    filesystems: dict[str, Filesystem] = {}
    for spec in MOUNTS:
        fs = kernel.new_filesystem(
            spec.fstype,
            spec.source,
            dev=DeviceNumber.parse(spec.dev),
            audit_dev=spec.audit_dev,
            first_ino=spec.first_ino,
            root_mode=spec.root_mode,
            root_label=_sys(spec.root_type),
        )
        fs.root.mtime = fs.root.ctime = fs.root.atime = boot
        filesystems[spec.path] = fs
    host_ns = kernel.new_namespace(filesystems["/"], ns_id=HOST_NS_ID)
    builder = _Builder(kernel, kernel.ns_root(host_ns.ns_id))
    mounted = {"/"}
    for path, owner, mode, label in DIRECTORIES:
        if path in filesystems and path not in mounted:
            # The mount point exists on the parent filesystem; mount over it.
            builder.place(path, Kind.DIRECTORY, owner, mode, label)
            kernel.attach(builder.lookup(path), filesystems[path], filesystems[path].root_ino)
            mounted.add(path)
            continue
        builder.place(path, Kind.DIRECTORY, owner, mode, label)
    for path, target, type_ in SYMLINKS:
        inode = builder.place(path, Kind.SYMLINK, "0:0", 0o777, _sys(type_))
        inode.target = target
        inode.size = len(target)
    for path, kind, rdev, owner, mode, type_ in DEVICES:
        inode = builder.place(path, kind, owner, mode, _sys(type_))
        inode.rdev = DeviceNumber.parse(rdev)
    for path, owner, mode, type_, content, size in FILES:
        inode = builder.place(path, Kind.REGULAR, owner, mode, _sys(type_))
        inode.data = content.encode()
        inode.size = len(inode.data) if size is None else size
    filesystems["/"].next_ino = XFS_FIRST_NEW_INO
    kernel.proc_fs_id = filesystems["/proc"].fs_id
    # kdevtmpfs lives in a namespace of its own whose root is the devtmpfs.
    kernel.new_namespace(filesystems["/dev"], ns_id=KDEVTMPFS_NS_ID)
    for boot_proc in PROCESSES:
        kernel.spawn(
            pid=boot_proc.pid,
            ppid=boot_proc.ppid,
            comm=boot_proc.comm,
            argv=boot_proc.argv,
            exe=boot_proc.exe,
            uid=boot_proc.uid,
            gid=boot_proc.uid,
            groups=(0,),
            context=boot_proc.context,
            ns_id=boot_proc.ns_id,
            cwd=boot_proc.cwd,
            auid=0 if boot_proc.login else UNSET_ID,
            ses=1 if boot_proc.login else UNSET_ID,
            tty="pts0" if boot_proc.login else None,
        ).open_files = boot_proc.open_files
    for proc in kernel.processes.values():
        proc.start_time = boot
    kernel.audit.daemon_pid = AUDITD_PID
