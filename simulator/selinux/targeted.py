"""The Fedora/RHEL targeted policy, as far as svirt and libvirt need it: tables of data.

Rows cite Fedora's ``policy/modules/contrib/virt.te`` line numbers as
``selinux-policy.md`` section 2.1 gives them. Attributes are expanded by
:class:`simulator.selinux.policy.Policy`.
"""

from __future__ import annotations

from simulator.selinux.rules import (
    ALL,
    Boolean,
    Constraint,
    Expression,
    TeRule,
    TypeTransition,
    allow,
    dontaudit,
    mlsconstrain,
)

MANAGE_FILE = "append create getattr ioctl link lock open read rename setattr unlink write"
MANAGE_DIR = (
    "add_name create getattr ioctl link lock open read remove_name rename reparent rmdir "
    "search setattr unlink write"
)
RW_DEV = "append getattr ioctl lock open read write"

# Domains (process types) and their attributes.
DOMAINS: dict[str, tuple[str, ...]] = {
    "svirt_t": ("domain", "virt_domain", "mcs_constrained_type", "application_domain_type"),
    "svirt_tcg_t": ("domain", "virt_domain", "mcs_constrained_type", "application_domain_type"),
    "unconfined_t": ("domain", "unconfined_domain_type"),
    "init_t": ("domain", "unconfined_domain_type"),
    "kernel_t": ("domain", "unconfined_domain_type"),
    "virtd_t": ("domain", "unconfined_domain_type"),
    "auditd_t": ("domain", "unconfined_domain_type"),
    "virtqemud_t": ("domain", "virt_daemon"),
}

# Object types (files, directories, devices) and their attributes.
_FILE_TYPES = """
root_t default_t etc_t passwd_file_t hostname_etc_t selinux_config_t default_context_t
home_root_t admin_home_t user_home_dir_t user_home_t virt_home_t svirt_home_t
tmp_t user_tmp_t svirt_tmp_t tmpfs_t var_t var_lib_t var_log_t var_run_t mnt_t usr_t bin_t lib_t
auditd_log_t virt_var_lib_t virt_etc_t virt_etc_rw_t virt_log_t virt_cache_t virt_var_run_t
qemu_var_run_t virt_image_t virt_content_t svirt_image_t qemu_exec_t virtqemud_exec_t virtd_exec_t
auditd_exec_t init_exec_t shell_exec_t nfs_t cifs_t unlabeled_t device_t devpts_t
hugetlbfs_t proc_t
"""
_DEVICE_NODES = """
svirt_image_t virt_image_t virt_content_t fixed_disk_device_t removable_device_t usb_device_t
null_device_t zero_device_t random_device_t ptmx_t kvm_device_t userfaultfd_device_t
vfio_device_t vhost_device_t tun_tap_device_t
"""
OBJECT_TYPES: dict[str, tuple[str, ...]] = dict.fromkeys(_FILE_TYPES.split(), ("file_type",))
for _name in _DEVICE_NODES.split():
    OBJECT_TYPES[_name] = (*OBJECT_TYPES.get(_name, ("file_type",)), "device_node")
OBJECT_TYPES["tmp_t"] = (*OBJECT_TYPES["tmp_t"], "tmpfile")

# SELinux users and roles of the targeted policy (seusers, users).
USERS = frozenset(
    {"system_u", "unconfined_u", "root", "staff_u", "sysadm_u", "user_u", "guest_u", "xguest_u"}
)
ROLES = frozenset(
    {"object_r", "system_r", "unconfined_r", "staff_r", "sysadm_r", "user_r", "guest_r", "xguest_r"}
)

# F dist/customizable_types: restorecon keeps these without -F.
CUSTOMIZABLE_TYPES = frozenset({"svirt_image_t", "svirt_home_t", "virt_content_t"})

# F policy/mcs: the MCS constraints (each is "EXPR or t1 != mcs_constrained_type").
_DEVICE_LIKE = "lnk_file chr_file blk_file sock_file"
_ALL_FILE_CLASSES = "dir file lnk_file chr_file blk_file sock_file fifo_file"
CONSTRAINTS: tuple[Constraint, ...] = (
    mlsconstrain("file", "read ioctl lock execute execute_no_trans", Expression.H1_DOM_H2),
    mlsconstrain("file", "write setattr append unlink link rename", Expression.H1_DOM_H2),
    mlsconstrain("dir", "search read ioctl lock", Expression.H1_DOM_H2),
    mlsconstrain(
        "dir", "write setattr append unlink link rename add_name remove_name", Expression.H1_DOM_H2
    ),
    mlsconstrain("fifo_file", "open", Expression.H1_DOM_H2),
    mlsconstrain(_DEVICE_LIKE, "getattr read ioctl", Expression.H1_DOM_H2),
    mlsconstrain(_DEVICE_LIKE, "write setattr", Expression.H1_DOM_H2),
    mlsconstrain("file", "create relabelto", Expression.H1_DOM_H2_AND_L2_EQ_H2),
    mlsconstrain(_ALL_FILE_CLASSES, "relabelfrom", Expression.H1_DOM_H2),
    mlsconstrain("file lnk_file fifo_file", "create relabelto", Expression.L2_EQ_H2),
    mlsconstrain(_ALL_FILE_CLASSES, "create relabelto", Expression.H1_DOM_H2),
)

BOOLEANS: tuple[Boolean, ...] = (
    Boolean("virt_use_nfs", False, "Allow confined virtual guests to manage nfs files"),
    Boolean("virt_use_samba", False, "Allow confined virtual guests to manage cifs files"),
    Boolean("virt_use_usb", True, "Allow confined virtual guests to use usb devices"),
    Boolean("virt_use_fusefs", False, "Allow confined virtual guests to read fuse files"),
    Boolean(
        "virt_use_comm",
        False,
        "Allow confined virtual guests to use serial/parallel communication ports",
    ),
    Boolean(
        "virt_use_execmem",
        False,
        "Allow confined virtual guests to use executable memory and executable stack",
    ),
    Boolean("virt_use_rawip", False, "Allow confined virtual guests to use rawip sockets"),
    Boolean(
        "virt_use_xserver", False, "Allow confined virtual guests to interact with the xserver"
    ),
    Boolean("virt_use_glusterd", False, "Allow confined virtual guests to use glusterd"),
    Boolean("virt_use_pcscd", False, "Allow confined virtual guests to interact with pcscd"),
    Boolean(
        "virt_use_sanlock", False, "Allow confined virtual guests to interact with the sanlock"
    ),
    Boolean("virt_sandbox_use_all_caps", True, "Allow sandbox containers to use all capabilities"),
    Boolean("virt_sandbox_use_audit", True, "Allow sandbox containers to send audit messages"),
    Boolean(
        "domain_can_mmap_files",
        False,
        "Allow any process to mmap any file on system with attribute file_type.",
    ),
    Boolean("use_nfs_home_dirs", False, "Support NFS home directories"),
    Boolean("use_samba_home_dirs", False, "Support SAMBA home directories"),
)

# selinux-policy.md 2.1 (Fedora), every row.
VIRT_DOMAIN_RULES: tuple[TeRule, ...] = (
    allow(
        "virt_domain",
        "svirt_image_t",
        "file",
        MANAGE_FILE + " map watch watch_reads",
        origin="virt.te:1074-1082",
    ),
    allow(
        "virt_domain",
        "svirt_image_t",
        "dir",
        MANAGE_DIR + " watch watch_reads",
        origin="virt.te:1074",
    ),
    allow("virt_domain", "svirt_image_t", "blk_file chr_file", RW_DEV, origin="virt.te:1079-1080"),
    allow("svirt_t", "svirt_image_t", "blk_file chr_file", "map", origin="virt.te:1083-1084"),
    allow(
        "virt_domain",
        "svirt_image_t",
        "sock_file fifo_file",
        MANAGE_FILE,
        origin="virt.te:1076-1077",
    ),
    allow(
        "virt_domain",
        "virt_image_t",
        "file",
        "getattr ioctl lock open read",
        origin="virt.te:1071 read_files_pattern",
    ),
    allow(
        "virt_domain",
        "virt_content_t",
        "file blk_file",
        "getattr ioctl lock map open read",
        origin="virt.te:1043-1044, 1318",
    ),
    dontaudit(
        "virt_domain",
        "virt_content_t",
        "file",
        "append getattr ioctl lock open write",
        origin="virt.te:1045",
    ),
    dontaudit("virt_domain", "virt_content_t", "dir", "write", origin="virt.te:1046"),
    allow(
        "svirt_t",
        "fixed_disk_device_t",
        "blk_file chr_file",
        "read write",
        origin="virt.te:518 storage_rw_inherited_fixed_disk_dev",
    ),
    dontaudit(
        "virt_domain",
        "device_node",
        "blk_file chr_file",
        "getattr",
        origin="virt.te:1128 dev_dontaudit_getattr_all",
    ),
    allow(
        "virt_domain",
        "removable_device_t",
        "blk_file",
        "getattr ioctl lock open read",
        origin="virt.te:1165 storage_raw_read_removable_device",
    ),
    allow(
        "virt_domain",
        "usb_device_t",
        "chr_file",
        RW_DEV,
        boolean="virt_use_usb",
        origin="virt.te:1215-1223",
    ),
    allow(
        "application_domain_type",
        "admin_home_t",
        "file",
        "append getattr",
        origin="application_domain_type",
    ),
    allow("domain", "admin_home_t", "dir", "getattr open search", origin="domain"),
    allow(
        "application_domain_type",
        "user_home_t",
        "file",
        "append getattr",
        origin="application_domain_type",
    ),
    allow("virt_domain", "user_home_t", "lnk_file", "getattr read", origin="virt.te:1058"),
    allow(
        "virt_domain",
        "nfs_t",
        "file",
        "append getattr ioctl lock read write",
        origin="virt.te:1157 fs_rw_inherited_nfs_files",
    ),
    allow(
        "virt_domain",
        "nfs_t",
        "file",
        MANAGE_FILE + " map",
        boolean="virt_use_nfs",
        origin="virt.te:1194-1201",
    ),
    allow(
        "virt_domain",
        "nfs_t",
        "dir",
        MANAGE_DIR,
        boolean="virt_use_nfs",
        origin="virt.te:1194-1201",
    ),
    allow(
        "virt_domain",
        "nfs_t",
        "sock_file lnk_file",
        MANAGE_FILE,
        boolean="virt_use_nfs",
        origin="virt.te:1194-1201",
    ),
    allow(
        "virt_domain",
        "cifs_t",
        "file",
        "append getattr ioctl lock read write",
        origin="virt.te:1158",
    ),
    allow(
        "virt_domain",
        "cifs_t",
        "file",
        MANAGE_FILE,
        boolean="virt_use_samba",
        origin="virt.te:1207-1213",
    ),
    allow(
        "virt_domain",
        "cifs_t",
        "dir",
        MANAGE_DIR,
        boolean="virt_use_samba",
        origin="virt.te:1207-1213",
    ),
    allow(
        "virt_domain",
        "file_type",
        "dir",
        "getattr open search",
        origin="virt.te:1150 files_search_all",
    ),
    allow(
        "virt_domain",
        "tmp_t",
        "dir",
        "add_name getattr ioctl lock open read remove_name search write",
        origin="virt.te:1090 files_tmp_filetrans",
    ),
    allow("domain", "tmpfile", "file", "append getattr ioctl lock read", origin="domain tmpfile"),
    allow(
        "application_domain_type",
        "user_tmp_t",
        "file",
        "append getattr ioctl lock map read write",
        origin="application_domain_type",
    ),
    allow(
        "virt_domain",
        "svirt_tmp_t",
        "file lnk_file sock_file",
        MANAGE_FILE,
        origin="virt.te:1086-1091",
    ),
    allow("virt_domain", "svirt_tmp_t", "dir", MANAGE_DIR, origin="virt.te:1086-1091"),
    allow(
        "virt_domain",
        "virt_var_lib_t",
        "file",
        "append getattr ioctl lock open read",
        origin="virt.te:1112, 1317",
    ),
    allow(
        "virt_domain",
        "var_t",
        "file",
        "getattr ioctl lock open read",
        origin="virt.te:1149 files_read_var_files",
    ),
    allow("virt_domain", "usr_t", "file", "getattr ioctl lock open read", origin="attribute rule"),
    # The device nodes every guest opens from its private /dev (dev_rw_kvm, dev_read_rand, ...).
    allow(
        "virt_domain",
        "null_device_t zero_device_t random_device_t ptmx_t kvm_device_t "
        "userfaultfd_device_t vfio_device_t vhost_device_t tun_tap_device_t",
        "chr_file",
        RW_DEV + " map",
        origin="virt.te dev_rw_*",
    ),
    allow(
        "virt_domain",
        "device_t tmpfs_t devpts_t",
        "lnk_file",
        "getattr read",
        origin="dev_read_generic_symlinks",
    ),
    allow(
        "virt_domain",
        "qemu_exec_t",
        "file",
        "execute getattr map open read entrypoint ioctl lock",
        origin="virt_domain_template",
    ),
    allow(
        "virt_domain",
        "etc_t passwd_file_t hostname_etc_t",
        "file",
        "getattr ioctl lock open read",
        origin="files_read_etc_files",
    ),
    allow(
        "domain", "proc_t", "file lnk_file", "getattr open read", origin="kernel_read_system_state"
    ),
    allow("domain", "proc_t", "dir", "getattr open read search", origin="kernel_read_system_state"),
    # domain_can_mmap_files: map on every file_type.
    allow(
        "domain",
        "file_type",
        "file",
        "map",
        boolean="domain_can_mmap_files",
        origin="domain.te domain_can_mmap_files",
    ),
)

# Unconfined domains may do anything with any file (unconfined_domain_type, files_unconfined).
UNCONFINED_RULES: tuple[TeRule, ...] = (
    allow("unconfined_domain_type", "file_type", ALL, ALL, origin="files_unconfined"),
)

# virtqemud_t: manages every file it needs, but may relabel only some types
# (selinux-policy.md 2.5); it is a permissive domain, so the rest is logged, not enforced.
_VIRTQEMUD_RELABEL = (
    "virt_image_t virt_content_t svirt_image_t device_node user_home_t user_tmp_t "
    "svirt_home_t virt_home_t qemu_var_run_t virt_var_run_t virt_var_lib_t svirt_tmp_t "
    "virt_log_t virt_etc_rw_t device_t tmpfs_t"
)
VIRTQEMUD_RULES: tuple[TeRule, ...] = (
    allow(
        "virt_daemon",
        "file_type",
        "file lnk_file chr_file blk_file sock_file fifo_file",
        "append create getattr ioctl link lock map open read rename setattr unlink write watch",
        origin="virt.te virtqemud",
    ),
    allow("virt_daemon", "file_type", "dir", MANAGE_DIR + " watch mounton", origin="virt.te"),
    *(
        allow(
            "virt_daemon",
            target,
            "dir file lnk_file chr_file blk_file sock_file fifo_file",
            "relabelfrom relabelto",
            origin="virt.te:2203, 2294-2295",
        )
        for target in _VIRTQEMUD_RELABEL.split()
    ),
)

PERMISSIVE_TYPES: tuple[str, ...] = ("virtqemud_t",)  # virt.te:396 "permissive virtqemud_t;"

TYPE_TRANSITIONS: tuple[TypeTransition, ...] = (
    *(
        TypeTransition("unconfined_t", "tmp_t", c, "user_tmp_t")
        for c in ("file", "dir", "lnk_file", "sock_file", "fifo_file")
    ),
    # unconfined.te: userdom_user_home_dir_filetrans_user_home_content(unconfined_t,
    # { dir file lnk_file fifo_file sock_file }): a new entry of a home directory is
    # user_home_t, the directory itself stays user_home_dir_t.
    *(
        TypeTransition("unconfined_t", "user_home_dir_t", c, "user_home_t")
        for c in ("file", "dir", "lnk_file", "sock_file", "fifo_file")
    ),
    TypeTransition("svirt_t", "tmp_t", "file", "svirt_tmp_t"),
    TypeTransition("svirt_t", "user_tmp_t", "file", "svirt_tmp_t"),
)

RULES: tuple[TeRule, ...] = VIRT_DOMAIN_RULES + UNCONFINED_RULES + VIRTQEMUD_RULES
