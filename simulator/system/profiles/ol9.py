"""Oracle Linux 9 with the modular libvirt daemons: the default lab host of ``host.md``."""

from __future__ import annotations

from simulator.kernel.inode import Kind
from simulator.system.profile import (
    BootProcess,
    Group,
    HostProfile,
    InstalledFile,
    Mountpoint,
    Package,
    RuntimeDir,
    Service,
    SystemctlLayout,
    User,
)
from simulator.system.profile import system_context as _sys

HOSTNAME = "ol9-host"
KERNEL_RELEASE = "5.15.0-300.el9uek.x86_64"
HOST_NS_ID = 4026531841
KDEVTMPFS_NS_ID = 4026531862
XFS_FIRST_NEW_INO = 33554560
PID_WIDTH = 7  # procps: pid_max 4194304 on RHEL 9

# The upstream versions whose output the lab follows (the developers' brief, "Exact or loud").
PACKAGES = (
    Package("bash", "5.1"),
    Package("coreutils", "8.32"),
    Package("grep", "3.6"),
    Package("util-linux", "2.37"),
    Package("procps-ng", "3.3.17"),
    Package("libvirt", "9.0.0"),
)

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

USERS = (
    User("root", 0, 0, "root", "/root", "/bin/bash"),
    User("tss", 59, 59, "Account used for TPM access", "/", "/usr/sbin/nologin"),
    User("qemu", 107, 107, "qemu user", "/", "/sbin/nologin"),
    User("user", 1000, 1000, "", "/home/user", "/bin/bash"),
    User("nobody", 65534, 65534, "Kernel Overflow User", "/", "/sbin/nologin"),
)

GROUPS = (
    Group("root", 0),
    Group("tty", 5),
    Group("disk", 6),
    Group("cdrom", 11),
    Group("kvm", 36, ("qemu",)),
    Group("tss", 59),
    Group("qemu", 107),
    Group("user", 1000),
    Group("nobody", 65534),
)
_PASSWD = "".join(user.line() for user in USERS)
_GROUP = "".join(group.line() for group in GROUPS)

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

FILES = (
    InstalledFile("/etc/passwd", "0:0", 0o644, "passwd_file_t", _PASSWD),
    InstalledFile("/etc/group", "0:0", 0o644, "passwd_file_t", _GROUP),
    InstalledFile("/etc/hostname", "0:0", 0o644, "hostname_etc_t", HOSTNAME + "\n"),
    InstalledFile("/etc/selinux/config", "0:0", 0o644, "selinux_config_t", SELINUX_CONFIG),
    InstalledFile(
        "/etc/selinux/targeted/contexts/virtual_domain_context",
        "0:0",
        0o644,
        "default_context_t",
        VIRTUAL_DOMAIN_CONTEXT,
    ),
    InstalledFile(
        "/etc/selinux/targeted/contexts/virtual_image_context",
        "0:0",
        0o644,
        "default_context_t",
        VIRTUAL_IMAGE_CONTEXT,
    ),
    InstalledFile("/etc/libvirt/qemu.conf", "0:0", 0o600, "virt_etc_t", QEMU_CONF),
    InstalledFile("/usr/libexec/qemu-kvm", "0:0", 0o755, "qemu_exec_t", size=17865416),
    InstalledFile("/usr/sbin/virtqemud", "0:0", 0o755, "virtqemud_exec_t", size=628136),
    InstalledFile("/usr/sbin/auditd", "0:0", 0o755, "auditd_exec_t", size=145912),
    InstalledFile("/usr/lib/systemd/systemd", "0:0", 0o755, "init_exec_t", size=96456),
    InstalledFile("/usr/bin/bash", "0:0", 0o755, "shell_exec_t", size=1390080),
    InstalledFile("/var/log/audit/audit.log", "0:0", 0o600, "auditd_log_t"),
)

# Directories ``tmpfiles.d`` (and the daemons' ``RuntimeDirectory=``) create at every boot.
RUNTIME_DIRS = (
    RuntimeDir("/run/libvirt", "0:0", 0o755, _sys("virt_var_run_t")),
    RuntimeDir("/run/libvirt/qemu", "0:0", 0o755, _sys("qemu_var_run_t")),
)

# host.md, "Processes at start": what the kernel and the login bring up with fixed pids.
PROCESSES = (
    BootProcess(
        1,
        0,
        0,
        "system_u:system_r:init_t:s0",
        "systemd",
        ("/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "31"),
        "/usr/lib/systemd/systemd",
        "host",
        # systemd watches the mount table through libmount's monitor (mnt_monitor), which
        # keeps /proc/self/mountinfo open: a real host answers `umount /proc` with EBUSY.
        open_files=("/proc/1/mountinfo",),
    ),
    BootProcess(
        62, 2, 0, "system_u:system_r:kernel_t:s0", "kdevtmpfs", ("kdevtmpfs",), "", "kdevtmpfs"
    ),
    BootProcess(
        2000,
        1,
        0,
        "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
        "bash",
        ("-bash",),
        "/usr/bin/bash",
        "host",
        cwd="/root",
        login=True,
    ),
)

# The services systemd starts at boot, in this order (RHEL 9's unit files; host.md pids).
SERVICES = (
    Service(
        "auditd",
        "audit",
        "Security Auditing Service",
        "/usr/sbin/auditd",
        ("/sbin/auditd",),
        "system_u:system_r:auditd_t:s0",
        812,
        docs=("man:auditd(8)", "https://github.com/linux-audit/audit-documentation"),
    ),
    Service(
        "virtqemud",
        "libvirt",
        "Virtualization qemu daemon",
        "/usr/sbin/virtqemud",
        ("/usr/sbin/virtqemud", "--timeout", "120"),
        "system_u:system_r:virtqemud_t:s0",
        1043,
        sockets=("virtqemud-ro.socket", "virtqemud-admin.socket", "virtqemud.socket"),
        docs=("man:virtqemud(8)", "https://libvirt.org"),
        aliases=("libvirtd",),
    ),
)
SHELL_PID = 2000
AUDITD_PID = 812
DAEMON_PID = 1043

PROFILE = HostProfile(
    name="ol9",
    hostname=HOSTNAME,
    kernel_release=KERNEL_RELEASE,
    host_ns_id=HOST_NS_ID,
    kdevtmpfs_ns_id=KDEVTMPFS_NS_ID,
    root_first_new_ino=XFS_FIRST_NEW_INO,
    ps_pid_width=PID_WIDTH,
    ps_memory=True,
    pid_max=4194304,  # systemd's sysctl.d/50-pid-max.conf
    packages=PACKAGES,
    mounts=MOUNTS,
    directories=DIRECTORIES,
    devices=DEVICES,
    symlinks=SYMLINKS,
    users=USERS,
    groups=GROUPS,
    files=FILES,
    runtime_dirs=RUNTIME_DIRS,
    processes=PROCESSES,
    services=SERVICES,
    daemon_socket="/var/run/libvirt/virtqemud-sock",  # libvirt: remote_driver.c, virtqemud
    systemctl=SystemctlLayout(label_width=12, preset="preset", triggered_by=True),  # systemd 252
    stat_call="statx",  # coreutils 8.32
    release="Oracle Linux 9",
    # the spec's target, RHEL/OL 9.2 (commands.md): libvirt 9.0.0, the Package above, and
    # qemu-kvm 7.2.0, as libvirt-python's getLibVersion() and getVersion() give them
    libvirt_version_number=9_000_000,
    qemu_version_number=7_002_000,
    machine_type="pc-q35-rhel9.2.0",
    rhel="RHEL 9",
    setenforce_failed="setenforce:  security_setenforce() failed:  {error}\n",  # libselinux 3.4+
)
